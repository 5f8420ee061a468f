package tech.onceonly.spring.web.idempotency;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Idempotency-Key header on Spring MVC, on the local engine and the in-memory store.
 */
class IdempotencyKeyTests {

	private static final String PAYMENT = "{\"amount\":1000,\"currency\":\"eur\"}";

	private final MutableClock clock = MutableClock.startingAt2026();

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(this.clock));

	private final RecordedObservations observations = new RecordedObservations();

	private final AtomicInteger calls = new AtomicInteger();

	private MockMvc mvc;

	@BeforeEach
	void setUp() {
		this.mvc = mvc(IdempotencyKeySettings.defaults().withPaths(List.of("/orders/**")));
	}

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	private MockMvc mvc(IdempotencyKeySettings settings) {
		return MockMvcBuilders.standaloneSetup(new Payments(this.calls))
			.addFilters(new IdempotencyKeyFilter(this.onceOnly, settings))
			.addInterceptors(new IdempotencyKeyInterceptor(this.onceOnly, settings,
					new DefaultIdempotencyKeyScopeResolver("X-Tenant"), this.observations.registry()))
			.build();
	}

	private static MockHttpServletRequestBuilder payment(String key, String body) {
		return post("/payments").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).content(body);
	}

	@Test
	void retryShouldReplayTheFirstResponseByteForByte() throws Exception {
		MvcResult first = this.mvc.perform(payment("\"k-1\"", PAYMENT))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/payments/1"))
			.andExpect(header().doesNotExist("Idempotent-Replayed"))
			.andReturn();
		MvcResult replay = this.mvc.perform(payment("\"k-1\"", PAYMENT))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/payments/1"))
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andReturn();
		assertThat(replay.getResponse().getContentAsByteArray()).isEqualTo(first.getResponse().getContentAsByteArray())
			.isNotEmpty();
		assertThat(replay.getResponse().getContentType()).isEqualTo(first.getResponse().getContentType());
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameJsonWrittenDifferentlyShouldReplay() throws Exception {
		this.mvc.perform(payment("\"k-canon\"", PAYMENT)).andExpect(status().isCreated());
		this.mvc.perform(payment("\"k-canon\"", "{ \"currency\" : \"eur\", \"amount\" : 1000 }"))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void bareTokenShouldBeTheSameKeyAsTheQuotedString() throws Exception {
		this.mvc.perform(payment("k-bare", PAYMENT)).andExpect(status().isCreated());
		this.mvc.perform(payment("\"k-bare\"", PAYMENT)).andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameKeyWithAnotherQueryStringShouldBe422() throws Exception {
		this.mvc.perform(payment("\"k-query\"", PAYMENT).queryParam("amount", "5")).andExpect(status().isCreated());
		this.mvc.perform(payment("\"k-query\"", PAYMENT).queryParam("amount", "500"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-mismatch"));
		this.mvc.perform(payment("\"k-query\"", PAYMENT)).andExpect(status().isUnprocessableContent());
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameQueryInAnotherOrderShouldReplay() throws Exception {
		this.mvc
			.perform(post("/payments?currency=eur&amount=5&tag=a&tag=b").header("Idempotency-Key", "\"k-order\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content(PAYMENT))
			.andExpect(status().isCreated());
		this.mvc
			.perform(post("/payments?amount=5&tag=a&currency=eur&tag=b").header("Idempotency-Key", "\"k-order\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content(PAYMENT))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void sameKeyWithAnotherPayloadShouldBe422() throws Exception {
		this.mvc.perform(payment("\"k-2\"", PAYMENT)).andExpect(status().isCreated());
		this.mvc.perform(payment("\"k-2\"", "{\"amount\":2000,\"currency\":\"eur\"}"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-mismatch"))
			.andExpect(jsonPath("$.title").value("Idempotency-Key reused"))
			.andExpect(jsonPath("$.status").value(422))
			.andExpect(jsonPath("$.detail").isNotEmpty());
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void missingRequiredKeyShouldBe400() throws Exception {
		this.mvc.perform(post("/payments").contentType(MediaType.APPLICATION_JSON).content(PAYMENT))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-missing"))
			.andExpect(jsonPath("$.status").value(400));
		assertThat(this.calls.get()).isZero();
	}

	@Test
	void invalidKeyShouldBe400() throws Exception {
		this.mvc.perform(payment("\"unterminated", PAYMENT))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-invalid"));
		this.mvc.perform(payment("\"" + "k".repeat(256) + "\"", PAYMENT)).andExpect(status().isBadRequest());
		assertThat(this.calls.get()).isZero();
	}

	@Test
	void optionalKeyShouldRunUnguardedWithoutHeaderAndGuardedWithIt() throws Exception {
		this.mvc.perform(post("/payments/optional").contentType(MediaType.APPLICATION_JSON).content(PAYMENT))
			.andExpect(status().isOk());
		this.mvc.perform(post("/payments/optional").contentType(MediaType.APPLICATION_JSON).content(PAYMENT))
			.andExpect(status().isOk());
		this.mvc.perform(post("/payments/optional").header("Idempotency-Key", "\"o\"")
			.contentType(MediaType.APPLICATION_JSON)
			.content(PAYMENT));
		this.mvc
			.perform(post("/payments/optional").header("Idempotency-Key", "\"o\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content(PAYMENT))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(3);
	}

	@Test
	void requestInFlightShouldBe409WithRetryAfter() throws Exception {
		String key = new IdempotencyKeyRules(IdempotencyKeySettings.defaults()).storageKey("anonymous", "POST",
				"/payments", "k-busy");
		assertThat(this.onceOnly.ai().lease(key, Duration.ofMinutes(5), null).acquired()).isTrue();
		this.mvc.perform(payment("\"k-busy\"", PAYMENT))
			.andExpect(status().isConflict())
			.andExpect(header().exists("Retry-After"))
			.andExpect(content().contentType("application/problem+json"))
			.andExpect(jsonPath("$.type").value("https://onceonly.tech/problems/idempotency-key-in-progress"));
		assertThat(this.calls.get()).isZero();
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		this.mvc.perform(payment("\"k-busy\"", PAYMENT)).andExpect(status().isCreated());
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void serverErrorShouldReleaseTheKeyByDefault() throws Exception {
		this.mvc.perform(post("/status/500").header("Idempotency-Key", "\"s-500\"")).andExpect(status().is(500));
		this.mvc.perform(post("/status/500").header("Idempotency-Key", "\"s-500\""))
			.andExpect(status().is(500))
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.calls.get()).isEqualTo(2);
	}

	@Test
	void serverErrorShouldBeReplayedWhenConfigured() throws Exception {
		MockMvc replaying = mvc(IdempotencyKeySettings.defaults().withReplayServerErrors(true));
		replaying.perform(post("/status/503").header("Idempotency-Key", "\"s-503\"")).andExpect(status().is(503));
		replaying.perform(post("/status/503").header("Idempotency-Key", "\"s-503\""))
			.andExpect(status().is(503))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void clientErrorShouldBeReplayedButTooManyRequestsReleased() throws Exception {
		this.mvc.perform(post("/status/400").header("Idempotency-Key", "\"c-400\""));
		this.mvc.perform(post("/status/400").header("Idempotency-Key", "\"c-400\""))
			.andExpect(status().isBadRequest())
			.andExpect(header().string("Idempotent-Replayed", "true"));
		this.mvc.perform(post("/status/429").header("Idempotency-Key", "\"c-429\""));
		this.mvc.perform(post("/status/429").header("Idempotency-Key", "\"c-429\""))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.calls.get()).isEqualTo(3);
	}

	@Test
	void exceptionShouldReleaseTheKey() throws Exception {
		assertThatThrownBy(() -> this.mvc.perform(post("/boom").header("Idempotency-Key", "\"b-1\"")))
			.hasRootCauseMessage("payment provider down");
		assertThatThrownBy(() -> this.mvc.perform(post("/boom").header("Idempotency-Key", "\"b-1\"")))
			.hasRootCauseMessage("payment provider down");
		assertThat(this.calls.get()).isEqualTo(2);
	}

	@Test
	void keysShouldBeScopedByPrincipalAndTenant() throws Exception {
		this.mvc.perform(payment("\"shared\"", PAYMENT).principal(() -> "alice")).andExpect(status().isCreated());
		this.mvc.perform(payment("\"shared\"", PAYMENT).principal(() -> "bob"))
			.andExpect(status().isCreated())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		this.mvc.perform(payment("\"shared\"", PAYMENT).principal(() -> "bob").header("X-Tenant", "t2"))
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		this.mvc.perform(payment("\"shared\"", PAYMENT).principal(() -> "alice"))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(3);
	}

	@Test
	void keysShouldBeScopedByRouteAndMethod() throws Exception {
		this.mvc.perform(payment("\"r\"", PAYMENT)).andExpect(status().isCreated());
		this.mvc
			.perform(patch("/payments/7").header("Idempotency-Key", "\"r\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content(PAYMENT))
			.andExpect(status().isOk())
			.andExpect(header().doesNotExist("Idempotent-Replayed"));
		assertThat(this.calls.get()).isEqualTo(2);
	}

	@Test
	void configuredPathsShouldBeGuardedWithoutAnAnnotation() throws Exception {
		this.mvc.perform(post("/orders/new").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isBadRequest());
		this.mvc
			.perform(post("/orders/new").header("Idempotency-Key", "\"o-1\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content("{}"))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/orders/new").header("Idempotency-Key", "\"o-1\"")
				.contentType(MediaType.APPLICATION_JSON)
				.content("{}"))
			.andExpect(header().string("Idempotent-Replayed", "true"));
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void responseOverTheStorageLimitShouldReplayStatusAndHeadersOnly() throws Exception {
		MockMvc small = mvc(IdempotencyKeySettings.defaults().withMaxStoredBodyBytes(8));
		MvcResult first = small.perform(payment("\"big\"", PAYMENT)).andExpect(status().isCreated()).andReturn();
		assertThat(first.getResponse().getContentAsByteArray()).hasSizeGreaterThan(8);
		MvcResult replay = small.perform(payment("\"big\"", PAYMENT))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/payments/1"))
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andReturn();
		assertThat(replay.getResponse().getContentAsByteArray()).isEmpty();
		assertThat(this.calls.get()).isEqualTo(1);
	}

	@Test
	void requestsWithoutTheHeaderToOtherEndpointsShouldBeUntouched() throws Exception {
		this.mvc.perform(post("/status/201")).andExpect(status().isCreated());
		this.mvc.perform(post("/status/201")).andExpect(status().isCreated());
		assertThat(this.observations.stopped()).isEmpty();
	}

	@Test
	void observationsShouldCarryTheOutcomeButNeverTheKey() throws Exception {
		this.mvc.perform(payment("\"obs-key\"", PAYMENT));
		this.mvc.perform(payment("\"obs-key\"", PAYMENT));
		this.mvc.perform(payment("\"obs-key\"", "{}"));
		this.mvc.perform(post("/payments").contentType(MediaType.APPLICATION_JSON).content(PAYMENT));
		this.mvc.perform(post("/status/500").header("Idempotency-Key", "\"obs-500\""));
		assertThat(this.observations.summaries()).containsExactly("onceonly.idempotency.key[outcome=executed]",
				"onceonly.idempotency.key[outcome=replayed]", "onceonly.idempotency.key[outcome=mismatch]",
				"onceonly.idempotency.key[outcome=missing_key]", "onceonly.idempotency.key[outcome=failed]");
		assertThat(this.observations.stopped())
			.allSatisfy((context) -> assertThat(context.getHighCardinalityKeyValues()).isEmpty());
	}

	@RestController
	static class Payments {

		private final AtomicInteger calls;

		Payments(AtomicInteger calls) {
			this.calls = calls;
		}

		@PostMapping("/payments")
		@IdempotencyKey
		ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> request) {
			int n = this.calls.incrementAndGet();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("id", "pay_" + n);
			body.put("amount", request.get("amount"));
			body.put("status", "succeeded");
			return ResponseEntity.created(URI.create("/payments/" + n)).body(body);
		}

		@PatchMapping("/payments/{id}")
		@IdempotencyKey
		Map<String, Object> update(@PathVariable String id, @RequestBody Map<String, Object> request) {
			this.calls.incrementAndGet();
			return Map.of("id", id);
		}

		@PostMapping("/payments/optional")
		@IdempotencyKey(required = false)
		Map<String, Object> optional(@RequestBody Map<String, Object> request) {
			return Map.of("n", this.calls.incrementAndGet());
		}

		@PostMapping("/orders/new")
		Map<String, Object> order() {
			return Map.of("n", this.calls.incrementAndGet());
		}

		@PostMapping("/status/{code}")
		@IdempotencyKey(required = false)
		ResponseEntity<Map<String, Object>> status(@PathVariable int code) {
			return ResponseEntity.status(code).body(Map.of("code", code, "n", this.calls.incrementAndGet()));
		}

		@PostMapping("/boom")
		@IdempotencyKey
		void boom() {
			this.calls.incrementAndGet();
			throw new IllegalStateException("payment provider down");
		}

	}

}
