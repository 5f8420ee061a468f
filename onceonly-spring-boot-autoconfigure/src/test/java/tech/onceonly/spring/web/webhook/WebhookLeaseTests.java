package tech.onceonly.spring.web.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.HandlerInterceptor;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.RecordedLeaseEvents;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The lease of a Spring MVC webhook delivery under faults: heartbeats while the handler
 * runs, completions retried, lost leases and unknown outcomes reported, short-circuits
 * released. Leases are one second long and the store's clock is moved by the test.
 */
class WebhookLeaseTests {

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final Duration TICK = Duration.ofSeconds(5);

	private static final int RETRIES = 8;

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ScriptedStore store = new ScriptedStore(new InMemoryStore(this.clock));

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(this.store);

	private final RecordedLeaseEvents events = new RecordedLeaseEvents();

	private final Handlers handlers = new Handlers();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(this.handlers)
		.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, WebhookSettings.defaults(), null,
				Heartbeats.shared(), this.events), new ShortCircuit())
		.build();

	@AfterEach
	void tearDown() {
		this.handlers.release.countDown();
		this.pool.shutdownNow();
		this.onceOnly.close();
	}

	private static MockHttpServletRequestBuilder delivery(String path, String id) {
		return post(path).header("X-GitHub-Delivery", id);
	}

	private Future<MvcResult> startSlowDelivery(String id) throws InterruptedException {
		Future<MvcResult> first = this.pool.submit(() -> this.mvc.perform(delivery("/webhooks/slow", id)).andReturn());
		assertThat(this.handlers.started.await(10, TimeUnit.SECONDS)).isTrue();
		return first;
	}

	@Test
	void slowHandlerShouldKeepItsLeaseWhileTheStoreClockPassesTheTtlSeveralTimes() throws Exception {
		Future<MvcResult> first = startSlowDelivery("d-slow");
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMillis(700));
			Instant moved = this.clock.instant();
			Polling.await("a heartbeat after the clock moved", TICK, () -> this.store.extendedSince(moved));
		}
		List<Future<Integer>> retries = new ArrayList<>();
		for (int i = 0; i < RETRIES; i++) {
			retries.add(this.pool.submit(() -> this.mvc.perform(delivery("/webhooks/slow", "d-slow"))
				.andReturn()
				.getResponse()
				.getStatus()));
		}
		for (Future<Integer> retry : retries) {
			assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(409);
		}
		this.handlers.release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(200);
		assertThat(this.onceOnly.ai().status("webhook:github:d-slow").status()).isEqualTo("completed");
		this.mvc.perform(delivery("/webhooks/slow", "d-slow"))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.handlers.runs.get()).isEqualTo(1);
		assertThat(this.events.events()).isEmpty();
	}

	@Test
	void heartbeatsShouldStopOnceTheOutcomeIsRecorded() throws Exception {
		this.mvc.perform(delivery("/webhooks/fast", "d-stop")).andExpect(status().isOk());
		int beats = this.store.extensions();
		Thread.sleep(Heartbeats.period(TTL, null).multipliedBy(3).toMillis());
		assertThat(this.store.extensions()).isEqualTo(beats);
	}

	@Test
	void failedCompletionShouldBeRetriedWhileTheLeaseIsHeld() throws Exception {
		this.store.failCompletions(2);
		this.mvc.perform(delivery("/webhooks/fast", "d-retry")).andExpect(status().isOk());
		assertThat(this.onceOnly.ai().status("webhook:github:d-retry").status()).isEqualTo("completed");
		assertThat(this.events.events()).containsExactly("completionRetried:webhook", "completionRetried:webhook");
		this.mvc.perform(delivery("/webhooks/fast", "d-retry"))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.handlers.runs.get()).isEqualTo(1);
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void completionWhoseAnswerWasLostShouldCountAsRecorded() throws Exception {
		this.store.loseCompletionAnswers(1);
		this.mvc.perform(delivery("/webhooks/fast", "d-lost-answer")).andExpect(status().isOk());
		assertThat(this.onceOnly.ai().status("webhook:github:d-lost-answer").status()).isEqualTo("completed");
		assertThat(this.events.events()).containsExactly("completionRetried:webhook");
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void completionThatNeverSucceedsShouldBeReportedAndTheKeyNeverReleased() throws Exception {
		this.store.failAllCompletions();
		this.mvc.perform(delivery("/webhooks/fast", "d-unknown")).andExpect(status().isOk());
		assertThat(this.events.events()).last().isEqualTo("outcomeUnknown:webhook");
		assertThat(this.store.cancels()).isZero();
		this.mvc.perform(delivery("/webhooks/fast", "d-unknown")).andExpect(status().isConflict());
		assertThat(this.handlers.runs.get()).isEqualTo(1);
	}

	@Test
	void lostLeaseShouldBeReportedAndTheLateCompletionShouldNotTouchTheNewHolder() throws Exception {
		Future<MvcResult> first = startSlowDelivery("d-lost");
		this.store.loseLeases();
		Polling.await("the lost lease to be reported", TICK, () -> this.events.events().contains("leaseLost:webhook"));
		this.clock.advance(TTL.multipliedBy(2));
		AiRun takeover = this.onceOnly.ai().lease("webhook:github:d-lost", TTL, null);
		assertThat(takeover.acquired()).isTrue();
		this.handlers.release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(200);
		assertThat(this.events.events()).containsExactly("leaseLost:webhook", "outcomeUnknown:webhook");
		assertThat(this.onceOnly.ai().status("webhook:github:d-lost").status()).isEqualTo("in_progress");
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void asyncTimeoutShouldLeaveTheDeliveryToItsLeaseInsteadOfReleasingIt() throws Exception {
		MvcResult started = this.mvc.perform(delivery("/webhooks/deferred", "d-timeout"))
			.andExpect(request().asyncStarted())
			.andReturn();
		MockAsyncContext async = (MockAsyncContext) started.getRequest().getAsyncContext();
		for (AsyncListener listener : async.getListeners()) {
			listener.onTimeout(new AsyncEvent(async));
		}
		this.mvc.perform(asyncDispatch(started)).andExpect(status().isServiceUnavailable());
		assertThat(this.store.cancels()).isZero();
		this.mvc.perform(delivery("/webhooks/deferred", "d-timeout")).andExpect(status().isConflict());
		this.clock.advance(TTL.multipliedBy(2));
		this.mvc.perform(delivery("/webhooks/deferred", "d-timeout")).andExpect(request().asyncStarted());
		assertThat(this.handlers.runs.get()).isEqualTo(2);
	}

	@Test
	void laterInterceptorThatShortCircuitsWith200ShouldReleaseTheDelivery() throws Exception {
		this.mvc.perform(delivery("/webhooks/fast", "d-short").header("X-Block", "yes"))
			.andExpect(status().isOk())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.handlers.runs.get()).isZero();
		this.mvc.perform(delivery("/webhooks/fast", "d-short"))
			.andExpect(status().isOk())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.handlers.runs.get()).isEqualTo(1);
		assertThat(this.onceOnly.ai().status("webhook:github:d-short").status()).isEqualTo("completed");
	}

	/** Answers 200 without running the handler when the request has {@code X-Block}. */
	static class ShortCircuit implements HandlerInterceptor {

		@Override
		public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
			return request.getHeader("X-Block") == null;
		}

	}

	@RestController
	static class Handlers {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@PostMapping("/webhooks/slow")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		String slow() throws InterruptedException {
			this.runs.incrementAndGet();
			this.started.countDown();
			this.release.await(20, TimeUnit.SECONDS);
			return "ok";
		}

		@PostMapping("/webhooks/deferred")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		DeferredResult<String> deferred() {
			this.runs.incrementAndGet();
			return new DeferredResult<>();
		}

		@PostMapping("/webhooks/fast")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB, leaseTtlSeconds = 1)
		String fast() {
			this.runs.incrementAndGet();
			return "ok";
		}

	}

}
