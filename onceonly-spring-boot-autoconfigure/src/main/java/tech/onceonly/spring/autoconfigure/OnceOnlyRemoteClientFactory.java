package tech.onceonly.spring.autoconfigure;

import tech.onceonly.client.OnceOnly;

/**
 * Builds the remote client (the hosted OnceOnly API or a self-hosted server) from
 * {@code onceonly.*} properties. The remote client's own auto-configuration provides one
 * when its classes (and {@code WebClient}) are on the classpath;
 * {@link OnceOnlyAutoConfiguration} asks it for the client when the resolved mode is
 * remote.
 */
@FunctionalInterface
public interface OnceOnlyRemoteClientFactory {

	/**
	 * Creates the remote client.
	 * @param properties the bound properties; {@code apiKey} is set and not blank
	 * @return a new client, closed by the context if it is {@link AutoCloseable}
	 */
	OnceOnly create(OnceOnlyProperties properties);

}
