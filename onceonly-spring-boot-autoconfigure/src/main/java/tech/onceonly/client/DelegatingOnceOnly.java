package tech.onceonly.client;

/**
 * A client that decorates another one. It forwards {@link #backend()} to the decorated
 * client, so decorators stay invisible to code that asks what the backend supports.
 */
public interface DelegatingOnceOnly extends OnceOnly {

	/** The decorated client. */
	OnceOnly delegate();

	/** The decorated client's backend. */
	@Override
	default OnceOnlyBackend backend() {
		return OnceOnlyBackend.of(delegate());
	}

}
