package tech.onceonly.client;

/**
 * A client that decorates another one; {@link #unwrap(OnceOnly)} finds the backend behind
 * any decorators, e.g. to tell the local engine from a remote client.
 */
public interface DelegatingOnceOnly extends OnceOnly {

	/** The decorated client. */
	OnceOnly delegate();

	/** The client behind every {@link DelegatingOnceOnly} around {@code client}. */
	static OnceOnly unwrap(OnceOnly client) {
		OnceOnly current = client;
		while (current instanceof DelegatingOnceOnly delegating) {
			current = delegating.delegate();
		}
		return current;
	}

}
