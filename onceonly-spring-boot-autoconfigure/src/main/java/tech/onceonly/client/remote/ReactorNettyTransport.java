package tech.onceonly.client.remote;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.ChannelOption;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;

/**
 * Reactor Netty with a connection pool of the client's own: named after the client, idle
 * connections closed after {@link RemoteOnceOnlySettings#maxIdleTime()} (below the
 * keep-alive timeout of common servers and proxies, so a connection the server has
 * dropped is not picked from the pool) and evicted in the background, and disposed when
 * the client is closed. The event loops are Reactor Netty's shared ones (daemon threads),
 * which the application's own {@code WebClient}s use too: closing the client never
 * disposes them. Wiretap (which would log the API key) stays off. Loaded only when
 * Reactor Netty is on the classpath.
 */
final class ReactorNettyTransport extends RemoteTransport {

	private final ConnectionProvider provider;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Duration closeWait;

	private final ReactorClientHttpConnector connector;

	private ReactorNettyTransport(ConnectionProvider provider, ReactorClientHttpConnector connector,
			Duration closeWait) {
		this.provider = provider;
		this.connector = connector;
		this.closeWait = closeWait;
	}

	static ReactorNettyTransport create(RemoteOnceOnlySettings settings, String name) {
		ConnectionProvider provider = ConnectionProvider.builder(name)
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(settings.timeout())
			.maxIdleTime(settings.maxIdleTime())
			.evictInBackground(settings.maxIdleTime())
			.build();
		HttpClient httpClient = HttpClient.create(provider)
			.protocol(HttpProtocol.HTTP11)
			.followRedirect(false)
			.disableRetry(true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, Math.max(1, settings.connectTimeout().toMillis())))
			.responseTimeout(settings.timeout());
		return new ReactorNettyTransport(provider, new ReactorClientHttpConnector(httpClient), settings.timeout());
	}

	@Override
	ClientHttpConnector connector() {
		return this.connector;
	}

	@Override
	RemoteHttpClient library() {
		return RemoteHttpClient.REACTOR_NETTY;
	}

	@Override
	boolean isReleased() {
		return this.closed.get() && this.provider.isDisposed();
	}

	/**
	 * Disposes the pool and closes its connections: waits for that (at most one timeout)
	 * on an ordinary thread, such as the context's shutdown, and only starts it on a
	 * thread that must not block.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		if (Schedulers.isInNonBlockingThread()) {
			this.provider.dispose();
			return;
		}
		try {
			this.provider.disposeLater().block(this.closeWait);
		}
		catch (RuntimeException ex) {
			// the pool is disposed; a connection that did not close in time is dropped
			this.provider.dispose();
		}
	}

}
