package tech.onceonly.server.security;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} for calling registered tools that checks every request's URL with
 * the {@link ToolUrlGuard} right before sending it (so a host that now resolves to an
 * internal address is refused) and never follows redirects. A refused request fails with
 * an {@link IOException} naming the reason and is never sent.
 */
public final class GuardedHttpClient extends HttpClient {

	private final HttpClient delegate;

	private final ToolUrlGuard guard;

	/**
	 * A client that sends through {@code delegate} after {@code guard} accepted the URL.
	 * @throws IllegalArgumentException when {@code delegate} follows redirects
	 */
	public GuardedHttpClient(HttpClient delegate, ToolUrlGuard guard) {
		if (delegate.followRedirects() != Redirect.NEVER) {
			throw new IllegalArgumentException("a tool HTTP client must not follow redirects");
		}
		this.delegate = delegate;
		this.guard = guard;
	}

	/** A guarded client on a new HTTP/1.1 client that never follows redirects. */
	public static GuardedHttpClient create(ToolUrlGuard guard, Duration connectTimeout) {
		return new GuardedHttpClient(HttpClient.newBuilder()
			.version(Version.HTTP_1_1)
			.connectTimeout(connectTimeout)
			.followRedirects(Redirect.NEVER)
			.build(), guard);
	}

	private void check(HttpRequest request) throws IOException {
		try {
			this.guard.check(request.uri().toString());
		}
		catch (ToolUrlRefusedException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
	}

	@Override
	public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
			throws IOException, InterruptedException {
		check(request);
		return this.delegate.send(request, handler);
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
		try {
			check(request);
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.delegate.sendAsync(request, handler);
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
			HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
		try {
			check(request);
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.delegate.sendAsync(request, handler, pushPromiseHandler);
	}

	@Override
	public Optional<CookieHandler> cookieHandler() {
		return this.delegate.cookieHandler();
	}

	@Override
	public Optional<Duration> connectTimeout() {
		return this.delegate.connectTimeout();
	}

	@Override
	public Redirect followRedirects() {
		return this.delegate.followRedirects();
	}

	@Override
	public Optional<ProxySelector> proxy() {
		return this.delegate.proxy();
	}

	@Override
	public SSLContext sslContext() {
		return this.delegate.sslContext();
	}

	@Override
	public SSLParameters sslParameters() {
		return this.delegate.sslParameters();
	}

	@Override
	public Optional<Authenticator> authenticator() {
		return this.delegate.authenticator();
	}

	@Override
	public Version version() {
		return this.delegate.version();
	}

	@Override
	public Optional<Executor> executor() {
		return this.delegate.executor();
	}

}
