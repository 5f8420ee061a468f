package tech.onceonly.spring.web.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.HandlerInterceptor;

import tech.onceonly.client.AiRun;
import tech.onceonly.client.Heartbeats;
import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.Polling;
import tech.onceonly.spring.web.RecordedLeaseEvents;
import tech.onceonly.spring.web.ScriptedStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The lease of a Spring MVC Idempotency-Key request under faults: heartbeats while the
 * handler runs, completions retried, lost leases and unknown outcomes reported,
 * short-circuits released. Leases are one second long and the store's clock is moved by
 * the test.
 */
class IdempotencyKeyLeaseTests {

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final Duration TICK = Duration.ofSeconds(5);

	private static final int RETRIES = 8;

	private final MutableClock clock = MutableClock.startingAt2026();

	private final ScriptedStore store = new ScriptedStore(new InMemoryStore(this.clock));

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(this.store);

	private final RecordedLeaseEvents events = new RecordedLeaseEvents();

	private final Payments payments = new Payments();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(this.payments)
		.addFilters(new IdempotencyKeyFilter(this.onceOnly, IdempotencyKeySettings.defaults()))
		.addInterceptors(
				new IdempotencyKeyInterceptor(this.onceOnly, IdempotencyKeySettings.defaults(),
						new DefaultIdempotencyKeyScopeResolver(null), null, Heartbeats.shared(), this.events),
				new ShortCircuit())
		.build();

	@AfterEach
	void tearDown() {
		this.payments.release.countDown();
		this.pool.shutdownNow();
		this.onceOnly.close();
	}

	private static MockHttpServletRequestBuilder pay(String path, String key) {
		return post(path).header("Idempotency-Key", "\"" + key + "\"");
	}

	private static String storageKey(String path, String key) {
		return new IdempotencyKeyRules(IdempotencyKeySettings.defaults()).storageKey("anonymous", "POST", path, key);
	}

	private Future<MvcResult> startSlowPayment(String key) throws InterruptedException {
		Future<MvcResult> first = this.pool.submit(() -> this.mvc.perform(pay("/slow", key)).andReturn());
		assertThat(this.payments.started.await(10, TimeUnit.SECONDS)).isTrue();
		return first;
	}

	@Test
	void slowHandlerShouldKeepItsLeaseWhileTheStoreClockPassesTheTtlSeveralTimes() throws Exception {
		Future<MvcResult> first = startSlowPayment("k-slow");
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMillis(700));
			Instant moved = this.clock.instant();
			Polling.await("a heartbeat after the clock moved", TICK, () -> this.store.extendedSince(moved));
		}
		List<Future<Integer>> retries = new ArrayList<>();
		for (int i = 0; i < RETRIES; i++) {
			retries.add(this.pool
				.submit(() -> this.mvc.perform(pay("/slow", "k-slow")).andReturn().getResponse().getStatus()));
		}
		for (Future<Integer> retry : retries) {
			assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(409);
		}
		this.payments.release.countDown();
		MvcResult answered = first.get(10, TimeUnit.SECONDS);
		assertThat(answered.getResponse().getStatus()).isEqualTo(201);
		this.mvc.perform(pay("/slow", "k-slow"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andExpect(content().bytes(answered.getResponse().getContentAsByteArray()));
		assertThat(this.payments.runs.get()).isEqualTo(1);
		assertThat(this.events.events()).isEmpty();
	}

	@Test
	void failedCompletionShouldBeRetriedSoTheResponseIsStored() throws Exception {
		this.store.failCompletions(2);
		this.mvc.perform(pay("/fast", "k-retry")).andExpect(status().isCreated());
		assertThat(this.events.events()).containsExactly("completionRetried:idempotency_key",
				"completionRetried:idempotency_key");
		this.mvc.perform(pay("/fast", "k-retry"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.payments.runs.get()).isEqualTo(1);
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void completionThatNeverSucceedsShouldSendTheHandlersResponseAndNeverReleaseTheKey() throws Exception {
		this.store.failAllCompletions();
		this.mvc.perform(pay("/fast", "k-unknown"))
			.andExpect(status().isCreated())
			.andExpect(content().json("{\"charge\":1}"));
		assertThat(this.events.events()).last().isEqualTo("outcomeUnknown:idempotency_key");
		assertThat(this.store.cancels()).isZero();
		this.mvc.perform(pay("/fast", "k-unknown")).andExpect(status().isConflict());
		assertThat(this.payments.runs.get()).isEqualTo(1);
	}

	@Test
	void responseTheBackendRefusesToStoreShouldBeRecordedAsFailedSoRetriesDoNotRunAgain() throws Exception {
		this.store.refuseCompletions();
		this.mvc.perform(pay("/fast", "k-refused")).andExpect(status().isCreated());
		assertThat(this.onceOnly.ai().status(storageKey("/fast", "k-refused")).errorCode())
			.isEqualTo("result_rejected");
		this.mvc.perform(pay("/fast", "k-refused"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-unusable"));
		assertThat(this.payments.runs.get()).isEqualTo(1);
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void handlerExceptionTurnedIntoAnAnswerShouldReleaseTheKey() throws Exception {
		this.mvc.perform(pay("/declined", "k-declined")).andExpect(status().isPaymentRequired());
		this.mvc.perform(pay("/declined", "k-declined"))
			.andExpect(status().isPaymentRequired())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.payments.runs.get()).isEqualTo(2);
	}

	@Test
	void lostLeaseShouldBeReportedAndTheLateCompletionShouldNotTouchTheNewHolder() throws Exception {
		Future<MvcResult> first = startSlowPayment("k-lost");
		this.store.loseLeases();
		Polling.await("the lost lease to be reported", TICK,
				() -> this.events.events().contains("leaseLost:idempotency_key"));
		this.clock.advance(TTL.multipliedBy(2));
		AiRun takeover = this.onceOnly.ai().lease(storageKey("/slow", "k-lost"), TTL, null);
		assertThat(takeover.acquired()).isTrue();
		this.payments.release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(201);
		assertThat(this.events.events()).containsExactly("leaseLost:idempotency_key", "outcomeUnknown:idempotency_key");
		assertThat(this.onceOnly.ai().status(storageKey("/slow", "k-lost")).status()).isEqualTo("in_progress");
		assertThat(this.store.cancels()).isZero();
	}

	@Test
	void asyncHandlerShouldKeepItsLeaseAcrossDispatches() throws Exception {
		MvcResult started = this.mvc.perform(pay("/async", "k-async")).andExpect(request().asyncStarted()).andReturn();
		assertThat(this.payments.started.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMillis(700));
			Instant moved = this.clock.instant();
			Polling.await("a heartbeat after the clock moved", TICK, () -> this.store.extendedSince(moved));
		}
		this.mvc.perform(pay("/async", "k-async")).andExpect(status().isConflict());
		this.payments.release.countDown();
		this.mvc.perform(asyncDispatch(started)).andExpect(status().isCreated());
		this.mvc.perform(pay("/async", "k-async"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.payments.runs.get()).isEqualTo(1);
	}

	@Test
	void asyncTimeoutShouldLeaveTheKeyToItsLeaseInsteadOfReleasingIt() throws Exception {
		MvcResult started = this.mvc.perform(pay("/deferred", "k-timeout"))
			.andExpect(request().asyncStarted())
			.andReturn();
		MockAsyncContext async = (MockAsyncContext) started.getRequest().getAsyncContext();
		for (AsyncListener listener : async.getListeners()) {
			listener.onTimeout(new AsyncEvent(async));
		}
		this.mvc.perform(asyncDispatch(started)).andExpect(status().isServiceUnavailable());
		assertThat(this.store.cancels()).isZero();
		this.mvc.perform(pay("/deferred", "k-timeout")).andExpect(status().isConflict());
		this.clock.advance(TTL.multipliedBy(2));
		this.mvc.perform(pay("/deferred", "k-timeout")).andExpect(request().asyncStarted());
		assertThat(this.payments.runs.get()).isEqualTo(2);
	}

	@Test
	void laterInterceptorThatShortCircuitsWith200ShouldReleaseTheKey() throws Exception {
		this.mvc.perform(pay("/fast", "k-short").header("X-Block", "yes")).andExpect(status().isOk());
		assertThat(this.payments.runs.get()).isZero();
		this.mvc.perform(pay("/fast", "k-short"))
			.andExpect(status().isCreated())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.payments.runs.get()).isEqualTo(1);
	}

	/** Answers 200 without running the handler when the request has {@code X-Block}. */
	static class ShortCircuit implements HandlerInterceptor {

		@Override
		public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
			return request.getHeader("X-Block") == null;
		}

	}

	@RestController
	static class Payments {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@PostMapping("/slow")
		@IdempotencyKey(leaseTtlSeconds = 1)
		ResponseEntity<Map<String, Object>> slow() throws InterruptedException {
			int charge = this.runs.incrementAndGet();
			this.started.countDown();
			this.release.await(20, TimeUnit.SECONDS);
			return ResponseEntity.status(201).body(Map.of("charge", charge));
		}

		@PostMapping("/async")
		@IdempotencyKey(leaseTtlSeconds = 1)
		Callable<ResponseEntity<Map<String, Object>>> async() {
			return this::slow;
		}

		@PostMapping("/deferred")
		@IdempotencyKey(leaseTtlSeconds = 1)
		DeferredResult<String> deferred() {
			this.runs.incrementAndGet();
			return new DeferredResult<>();
		}

		@PostMapping("/declined")
		@IdempotencyKey(leaseTtlSeconds = 1)
		String declined() {
			this.runs.incrementAndGet();
			throw new ResponseStatusException(HttpStatus.PAYMENT_REQUIRED, "card declined");
		}

		@PostMapping("/fast")
		@IdempotencyKey(leaseTtlSeconds = 1)
		ResponseEntity<Map<String, Object>> fast() {
			return ResponseEntity.status(201).body(Map.of("charge", this.runs.incrementAndGet()));
		}

	}

}
