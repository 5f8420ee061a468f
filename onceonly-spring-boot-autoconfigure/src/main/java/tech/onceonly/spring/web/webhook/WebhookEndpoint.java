package tech.onceonly.spring.web.webhook;

import java.lang.reflect.Method;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

import tech.onceonly.spring.annotation.IdempotentWebhook;
import tech.onceonly.spring.annotation.WebhookProvider;

/**
 * A handler method's {@link IdempotentWebhook} settings, resolved and parsed once.
 *
 * @param provider the provider preset
 * @param header the header carrying the id, or {@code null}
 * @param key the parsed key expression, or {@code null}
 * @param keySource the key expression's text, for error messages ({@code ""} when none)
 * @param scope the key scope, or {@code null} to use the route pattern
 * @param leaseTtl the annotation's lease time, or {@code null} for the configured one
 * @param method the handler method, for error messages
 */
public record WebhookEndpoint(WebhookProvider provider, @Nullable String header, @Nullable Expression key,
		String keySource, @Nullable String scope, @Nullable Duration leaseTtl, Method method) {

	/** Whether finding the id needs the request body. */
	public boolean needsBody() {
		return refers("#body") || (this.key == null && this.header == null && this.provider.bodyField() != null);
	}

	/** Whether finding the id reads the request headers. */
	public boolean readsHeaders() {
		return (this.key == null && this.header != null) || refers("#headers");
	}

	/** Whether finding the id reads the path variables. */
	public boolean readsPathVariables() {
		return refers("#pathVariables");
	}

	/** Whether finding the id reads the query parameters. */
	public boolean readsParams() {
		return refers("#params");
	}

	/**
	 * Whether the key expression mentions {@code variable} (a textual check: a mention
	 * inside a string literal only makes the request read a little more).
	 */
	private boolean refers(String variable) {
		return this.key != null && this.keySource.contains(variable);
	}

	/** The {@code provider} tag value of this endpoint's observations. */
	public String tag() {
		return this.provider.tagValue();
	}

	/** {@code Class#method} for messages. */
	public String methodName() {
		return this.method.getDeclaringClass().getSimpleName() + "#" + this.method.getName();
	}

}
