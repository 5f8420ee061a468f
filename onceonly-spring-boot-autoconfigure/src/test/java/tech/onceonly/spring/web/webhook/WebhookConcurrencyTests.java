package tech.onceonly.spring.web.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Twenty concurrent deliveries of one webhook: the handler runs once, every delivery gets
 * 2xx or 409.
 */
class WebhookConcurrencyTests {

	private static final int DELIVERIES = 20;

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore());

	private final ExecutorService pool = Executors.newFixedThreadPool(DELIVERIES);

	@AfterEach
	void tearDown() {
		this.pool.shutdownNow();
		this.onceOnly.close();
	}

	@Test
	void concurrentDeliveriesOfOneEventShouldRunTheHandlerOnce() throws Exception {
		Slow handler = new Slow();
		MockMvc mvc = MockMvcBuilders.standaloneSetup(handler)
			.addFilters(new WebhookBodyCachingFilter(1024 * 1024))
			.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, WebhookSettings.defaults(), null))
			.build();
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger answered = new AtomicInteger();
		List<Future<Integer>> statuses = new ArrayList<>();
		for (int i = 0; i < DELIVERIES; i++) {
			statuses.add(this.pool.submit(() -> {
				start.await();
				int status = mvc
					.perform(post("/webhooks/stripe").contentType(MediaType.APPLICATION_JSON)
						.content("{\"id\":\"evt_concurrent\",\"type\":\"charge.succeeded\"}"))
					.andReturn()
					.getResponse()
					.getStatus();
				answered.incrementAndGet();
				return status;
			}));
		}
		start.countDown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (answered.get() < DELIVERIES - 1 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		handler.release.countDown();
		List<Integer> codes = new ArrayList<>();
		for (Future<Integer> status : statuses) {
			codes.add(status.get(20, TimeUnit.SECONDS));
		}
		assertThat(handler.runs.get()).isEqualTo(1);
		assertThat(codes).hasSize(DELIVERIES).allMatch((code) -> (code >= 200 && code < 300) || code == 409);
		assertThat(codes).contains(409);
		assertThat(this.onceOnly.ai().status("webhook:stripe:evt_concurrent").status()).isEqualTo("completed");
	}

	@RestController
	static class Slow {

		final AtomicInteger runs = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@PostMapping("/webhooks/stripe")
		@IdempotentWebhook(provider = WebhookProvider.STRIPE)
		String handle(@RequestBody String body) throws InterruptedException {
			this.runs.incrementAndGet();
			this.release.await(20, TimeUnit.SECONDS);
			return "ok";
		}

	}

}
