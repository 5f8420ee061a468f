package tech.onceonly.client.remote;

/**
 * The HTTP client library the remote client sends its requests with.
 */
public enum RemoteHttpClient {

	/**
	 * Reactor Netty when {@code reactor-netty-http} is on the classpath (as in every
	 * WebFlux application), the JDK {@code HttpClient} otherwise.
	 */
	AUTO,

	/**
	 * Reactor Netty; {@code io.projectreactor.netty:reactor-netty-http} must be present.
	 */
	REACTOR_NETTY,

	/** The JDK's {@code java.net.http.HttpClient}; needs no extra library. */
	JDK

}
