package tech.onceonly.client.remote;

import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.util.ClassUtils;

/**
 * The connector one {@link RemoteOnceOnly} sends with, and what closing the client
 * releases. Both transports speak HTTP/1.1, follow no redirect, open connections within
 * {@link RemoteOnceOnlySettings#connectTimeout()} and wait at most
 * {@link RemoteOnceOnlySettings#timeout()} for an answer.
 */
abstract class RemoteTransport implements AutoCloseable {

	static final String REACTOR_NETTY_CLASS = "reactor.netty.http.client.HttpClient";

	private static final AtomicInteger CLIENTS = new AtomicInteger();

	/** The connector of the client's {@code WebClient}. */
	abstract ClientHttpConnector connector();

	/**
	 * The library the connector runs on: {@link RemoteHttpClient#JDK} or
	 * {@link RemoteHttpClient#REACTOR_NETTY}.
	 */
	abstract RemoteHttpClient library();

	/** Whether {@link #close()} has released this transport's resources. */
	abstract boolean isReleased();

	/** Releases the client's own resources (never shared ones). */
	@Override
	public abstract void close();

	/** Whether Reactor Netty can be used with the given class loader. */
	static boolean reactorNettyPresent(ClassLoader classLoader) {
		return ClassUtils.isPresent(REACTOR_NETTY_CLASS, classLoader);
	}

	/**
	 * The library a setting resolves to: {@code AUTO} gives Reactor Netty when it is
	 * present.
	 * @throws IllegalStateException when Reactor Netty is asked for and absent
	 */
	static RemoteHttpClient resolve(RemoteHttpClient requested, boolean reactorNettyPresent) {
		return switch (requested) {
			case JDK -> RemoteHttpClient.JDK;
			case AUTO -> reactorNettyPresent ? RemoteHttpClient.REACTOR_NETTY : RemoteHttpClient.JDK;
			case REACTOR_NETTY -> {
				if (!reactorNettyPresent) {
					throw new IllegalStateException("The remote client's HTTP client is set to reactor-netty "
							+ "(onceonly.remote.http-client), but io.projectreactor.netty:reactor-netty-http is not on "
							+ "the classpath; add it, or use 'auto' or 'jdk'");
				}
				yield RemoteHttpClient.REACTOR_NETTY;
			}
		};
	}

	/** The transport of a new client with these settings. */
	static RemoteTransport create(RemoteOnceOnlySettings settings) {
		int id = CLIENTS.incrementAndGet();
		RemoteHttpClient library = resolve(settings.httpClient(),
				reactorNettyPresent(RemoteTransport.class.getClassLoader()));
		if (library == RemoteHttpClient.REACTOR_NETTY) {
			return ReactorNettyTransport.create(settings, "onceonly-remote-" + id);
		}
		return new Jdk(settings, "onceonly-http-" + id);
	}

	/**
	 * The JDK {@link HttpClient} on the client's own cached pool of daemon threads;
	 * closing stops them, and the idle connections close with them.
	 */
	static final class Jdk extends RemoteTransport {

		private final ExecutorService executor;

		private final JdkClientHttpConnector connector;

		Jdk(RemoteOnceOnlySettings settings, String name) {
			this.executor = Executors.newCachedThreadPool(daemonThreads(name));
			HttpClient httpClient = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.followRedirects(HttpClient.Redirect.NEVER)
				.connectTimeout(settings.connectTimeout())
				.executor(this.executor)
				.build();
			this.connector = new JdkClientHttpConnector(httpClient);
			this.connector.setReadTimeout(settings.timeout());
		}

		private static ThreadFactory daemonThreads(String prefix) {
			AtomicInteger count = new AtomicInteger();
			return (runnable) -> {
				Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			};
		}

		@Override
		ClientHttpConnector connector() {
			return this.connector;
		}

		@Override
		RemoteHttpClient library() {
			return RemoteHttpClient.JDK;
		}

		@Override
		boolean isReleased() {
			return this.executor.isShutdown();
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

}
