package tech.onceonly.server;

import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import tech.onceonly.store.FaultyStore;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.memory.InMemoryStore;
import tech.onceonly.store.memory.MutableClock;

/**
 * The test hooks of the server: the in-memory store on a clock which tests move, wrapped
 * in a {@link FaultyStore} that tests script (it passes every call through until they
 * do), and a path-variable echo.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ServerTestConfiguration {

	@Bean
	MutableClock clock() {
		return MutableClock.startingAt2026();
	}

	@Bean
	FaultyStore testStore(MutableClock clock) {
		return new FaultyStore(new InMemoryStore(clock));
	}

	/**
	 * Wraps the server's store, whichever the profile chose, in a {@link FaultyStore}
	 * (for the PostgreSQL and Redis server tests, which use their real store instead of
	 * {@link ServerTestConfiguration}); tests reach the real store through
	 * {@link FaultyStore#delegate()}.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class StoreFaults {

		@Bean
		static BeanPostProcessor wrapStoreInFaults() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof OnceOnlyStore store && !(bean instanceof FaultyStore)) {
						return new FaultyStore(store);
					}
					return bean;
				}

			};
		}

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
