package tech.onceonly.spring.web.idempotency;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;
import tech.onceonly.spring.web.webhook.WebhookBodyCachingFilter;
import tech.onceonly.spring.web.webhook.WebhookIdempotencyInterceptor;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Async Spring MVC handlers ({@code Callable}): the key is settled on the last dispatch,
 * not the first.
 */
class AsyncHandlerTests {

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore());

	private final AtomicInteger calls = new AtomicInteger();

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new AsyncController(this.calls))
		.addFilters(new WebhookBodyCachingFilter(1024),
				new IdempotencyKeyFilter(this.onceOnly, IdempotencyKeySettings.defaults()))
		.addInterceptors(new WebhookIdempotencyInterceptor(this.onceOnly, WebhookSettings.defaults(), null),
				new IdempotencyKeyInterceptor(this.onceOnly, IdempotencyKeySettings.defaults(),
						new DefaultIdempotencyKeyScopeResolver(null), null))
		.build();

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private MvcResult perform(RequestBuilder request) throws Exception {
		MvcResult started = this.mvc.perform(request).andExpect(request().asyncStarted()).andReturn();
		return this.mvc.perform(asyncDispatch(started)).andReturn();
	}

	@Test
	void callableHandlerResponseShouldBeStoredAndReplayed() throws Exception {
		MvcResult first = perform(post("/async/payments").header("Idempotency-Key", "\"a-1\""));
		assertThat(first.getResponse().getStatus()).isEqualTo(200);
		this.mvc.perform(post("/async/payments").header("Idempotency-Key", "\"a-1\""))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andExpect(content().bytes(first.getResponse().getContentAsByteArray()));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void callableWebhookShouldCompleteOnTheAsyncDispatch() throws Exception {
		perform(post("/async/webhook").header("X-GitHub-Delivery", "a-d"));
		assertThat(this.onceOnly.ai().status("webhook:github:a-d").status()).isEqualTo("completed");
		this.mvc.perform(post("/async/webhook").header("X-GitHub-Delivery", "a-d"))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@RestController
	static class AsyncController {

		private final AtomicInteger calls;

		AsyncController(AtomicInteger calls) {
			this.calls = calls;
		}

		@PostMapping("/async/payments")
		@IdempotencyKey
		Callable<Map<String, Object>> pay() {
			return () -> Map.of("charge", this.calls.incrementAndGet());
		}

		@PostMapping("/async/webhook")
		@IdempotentWebhook(provider = WebhookProvider.GITHUB)
		Callable<String> webhook() {
			return () -> "handled " + this.calls.incrementAndGet();
		}

	}

}
