package tech.onceonly.spring.web.idempotency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.annotation.IdempotencyKey;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Only guarded handlers have their response captured, and capture stops at the storage
 * cap: unguarded handlers stream whatever headers they get, and a guarded response over
 * the cap is streamed and not stored.
 */
class ResponseCaptureTests {

	private static final int CAP = 16;

	private final LocalOnceOnly onceOnly = new LocalOnceOnly(new InMemoryStore(MutableClock.startingAt2026()));

	private final List<String> seen = new CopyOnWriteArrayList<>();

	private final IdempotencyKeySettings settings = IdempotencyKeySettings.defaults().withMaxStoredBodyBytes(CAP);

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Streams(this.seen))
		.addFilters(new IdempotencyKeyFilter(this.onceOnly, this.settings))
		.addInterceptors(new IdempotencyKeyInterceptor(this.onceOnly, this.settings,
				new DefaultIdempotencyKeyScopeResolver("X-Tenant"), null))
		.build();

	@AfterEach
	void tearDown() {
		this.onceOnly.close();
	}

	@Test
	void unguardedEndpointWithTheHeaderShouldStreamUntouched() throws Exception {
		MvcResult result = this.mvc
			.perform(post("/stream").header("Idempotency-Key", "\"k-stream\"").contentType(MediaType.TEXT_PLAIN))
			.andExpect(status().isOk())
			.andReturn();
		assertThat(result.getResponse().getContentAsString()).isEqualTo("x".repeat(1000));
		// the flush reached the client while the handler ran: nothing buffered it
		assertThat(this.seen).containsExactly("committed after flush: true");
	}

	@Test
	void guardedResponseOverTheCapShouldStreamAndNotBeStored() throws Exception {
		MvcResult first = this.mvc.perform(post("/big").header("Idempotency-Key", "\"k-big\""))
			.andExpect(status().isOk())
			.andReturn();
		assertThat(first.getResponse().getContentAsString()).isEqualTo("y".repeat(1000));
		// past the cap the bytes go to the client as they are written
		assertThat(this.seen).containsExactly("committed after flush: true");
		MvcResult retry = this.mvc.perform(post("/big").header("Idempotency-Key", "\"k-big\""))
			.andExpect(status().isOk())
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andReturn();
		assertThat(retry.getResponse().getContentAsByteArray()).isEmpty();
		assertThat(this.seen).hasSize(1);
	}

	@Test
	void guardedResponseUnderTheCapShouldBeHeldUntilStoredAndReplayed() throws Exception {
		this.mvc.perform(post("/small").header("Idempotency-Key", "\"k-small\"")).andExpect(status().isOk());
		assertThat(this.seen).containsExactly("committed after flush: false");
		MvcResult retry = this.mvc.perform(post("/small").header("Idempotency-Key", "\"k-small\""))
			.andExpect(header().string("Idempotent-Replayed", "true"))
			.andReturn();
		assertThat(retry.getResponse().getContentAsString()).isEqualTo("tiny");
		assertThat(this.seen).hasSize(1);
	}

	@RestController
	static class Streams {

		private final List<String> seen;

		Streams(List<String> seen) {
			this.seen = seen;
		}

		@PostMapping("/stream")
		void stream(HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getOutputStream().write("x".repeat(10).getBytes(StandardCharsets.UTF_8));
			response.flushBuffer();
			this.seen.add("committed after flush: " + response.isCommitted());
			response.getOutputStream().write("x".repeat(990).getBytes(StandardCharsets.UTF_8));
		}

		@PostMapping("/big")
		@IdempotencyKey
		void big(HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getOutputStream().write("y".repeat(500).getBytes(StandardCharsets.UTF_8));
			response.flushBuffer();
			this.seen.add("committed after flush: " + response.isCommitted());
			response.getOutputStream().write("y".repeat(500).getBytes(StandardCharsets.UTF_8));
		}

		@PostMapping("/small")
		@IdempotencyKey
		Map<String, Object> small(HttpServletResponse response) throws IOException {
			response.setContentType("text/plain");
			response.getWriter().write("tiny");
			response.flushBuffer();
			this.seen.add("committed after flush: " + response.isCommitted());
			return null;
		}

	}

}
