package tech.onceonly.server;

import java.util.Map;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

/**
 * The test hooks of the server: the store's clock, which tests move, and a path-variable
 * echo.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ServerTestConfiguration {

	@Bean
	MutableClock clock() {
		return MutableClock.startingAt2026();
	}

	@Bean
	OnceOnlyStore testStore(MutableClock clock) {
		return new InMemoryStore(clock);
	}

	/**
	 * Echoes a decoded path segment, proving how encoded segments reach the handlers
	 * (registered as a member class).
	 */
	@RestController
	static class PathEchoController {

		@GetMapping("/v1/test-echo/{value}")
		Map<String, Object> echo(@PathVariable("value") String value) {
			return Map.of("value", value);
		}

	}

}
