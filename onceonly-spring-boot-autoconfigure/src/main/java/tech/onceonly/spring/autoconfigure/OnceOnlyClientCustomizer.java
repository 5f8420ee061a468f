package tech.onceonly.spring.autoconfigure;

import tech.onceonly.client.OnceOnly;

/**
 * A hook applied to the auto-configured {@link OnceOnly} client before it is published as
 * a bean: return the client itself, or a decorator around it (logging, tracing, a test
 * double). Customizers run in {@link org.springframework.core.Ordered order}; each
 * receives what the previous one returned.
 */
@FunctionalInterface
public interface OnceOnlyClientCustomizer {

	/**
	 * Customizes the client.
	 * @param client the client built from {@code onceonly.*} properties, or the previous
	 * customizer's result
	 * @return the client to use; never {@code null}
	 */
	OnceOnly customize(OnceOnly client);

}
