package tech.onceonly.spring.web.idempotency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.StreamUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.engine.LocalOnceOnly;
import tech.onceonly.spring.web.RecordedObservations;
import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.FaultyStore.Op;
import tech.onceonly.store.memory.InMemoryStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An {@code Idempotency-Key} header sent to an endpoint that is not guarded (no
 * annotation, no configured path) is not protection: the handler runs every time, reads
 * the body as a stream, its response is not held back, and the store and the observations
 * never hear of it.
 */
class UnguardedEndpointTests {

	private final FaultyStore store = new FaultyStore(new InMemoryStore());

	private final RecordedObservations observations = new RecordedObservations();

	private final Echo echo = new Echo();

	@Test
	void theHeaderOnAnUnguardedEndpointShouldNotReachTheStore() throws Exception {
		try (LocalOnceOnly onceOnly = new LocalOnceOnly(this.store)) {
			IdempotencyKeySettings settings = IdempotencyKeySettings.defaults();
			MockMvc mvc = MockMvcBuilders.standaloneSetup(this.echo)
				.addFilters(new IdempotencyKeyFilter(onceOnly, settings))
				.addInterceptors(new IdempotencyKeyInterceptor(onceOnly, settings,
						new DefaultIdempotencyKeyScopeResolver("X-Tenant"), this.observations.registry()))
				.build();
			for (int i = 0; i < 3; i++) {
				mvc.perform(post("/echo").header("Idempotency-Key", "\"same-key\"")
					.contentType(MediaType.TEXT_PLAIN)
					.content("hello " + i))
					.andExpect(status().isOk())
					.andExpect(header().doesNotExist("Idempotent-Replayed"))
					.andExpect(content().string("hello " + i));
			}
		}
		assertThat(this.echo.bodies).containsExactly("hello 0", "hello 1", "hello 2");
		assertThat(this.echo.committedBeforeReturn).containsExactly(true, true, true);
		for (Op op : Op.values()) {
			assertThat(this.store.count(op)).as("%s calls", op).isZero();
		}
		assertThat(this.observations.stopped()).isEmpty();
	}

	@RestController
	static class Echo {

		final List<String> bodies = new ArrayList<>();

		final List<Boolean> committedBeforeReturn = new ArrayList<>();

		@PostMapping("/echo")
		void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String body = StreamUtils.copyToString(request.getInputStream(), StandardCharsets.UTF_8);
			this.bodies.add(body);
			response.setContentType("text/plain");
			response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
			response.flushBuffer();
			this.committedBeforeReturn.add(response.isCommitted());
		}

	}

}
