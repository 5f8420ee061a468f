package tech.onceonly.spring.web.webhook;

import java.time.Clock;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

import tech.onceonly.spring.annotation.WebhookProvider;

/**
 * Which {@code @IdempotentWebhook} endpoints verify signatures, and with which secrets:
 * secrets are looked up by the endpoint's name (its {@code scope}, else the provider's
 * name, such as {@code stripe}), then by the provider's name, so one entry can serve
 * every endpoint of a provider. An endpoint without secrets is not verified. Signatures
 * are checked before the delivery id is leased, so a forged delivery never reaches the
 * store.
 */
public final class WebhookVerification {

	private static final WebhookVerification NONE = new WebhookVerification(Map.of(), Clock.systemUTC());

	private final Map<String, WebhookSecrets> secrets;

	private final Clock clock;

	/**
	 * Verification with the given secrets.
	 * @param secrets secrets by endpoint or provider name
	 * @param clock the clock signed timestamps are compared with
	 */
	public WebhookVerification(Map<String, WebhookSecrets> secrets, Clock clock) {
		this.secrets = Map.copyOf(secrets);
		this.clock = clock;
	}

	/** No endpoint verifies signatures. */
	public static WebhookVerification none() {
		return NONE;
	}

	/**
	 * The secrets an endpoint verifies with.
	 * @param endpoint the endpoint
	 * @return the secrets, or {@code null} when the endpoint is not verified
	 * @throws IllegalStateException when secrets are configured for a
	 * {@link WebhookProvider#GENERIC} endpoint, which has no signature scheme
	 */
	public @Nullable WebhookSecrets secretsFor(WebhookEndpoint endpoint) {
		WebhookProvider provider = endpoint.provider();
		String name = (endpoint.scope() != null) ? endpoint.scope() : provider.scope();
		WebhookSecrets found = this.secrets.get(name);
		if (found == null) {
			found = this.secrets.get(provider.scope());
		}
		if (found != null && !WebhookSignatures.verifiable(provider)) {
			throw new IllegalStateException("onceonly.webhook.endpoints." + name + " configures signing secrets for "
					+ endpoint.methodName() + ", but its provider is GENERIC, which has no signature scheme; set "
					+ "provider = STRIPE, GITHUB, SHOPIFY, SLACK or STANDARD_WEBHOOKS, or remove the secrets");
		}
		return found;
	}

	/**
	 * Checks a delivery to an endpoint that has secrets.
	 * @return {@code null} when genuine, else a reason that never contains a secret or
	 * request data
	 */
	public @Nullable String check(WebhookEndpoint endpoint, WebhookSecrets secrets, HttpHeaders headers, byte[] body) {
		return WebhookSignatures.check(endpoint.provider(), headers, body, secrets, this.clock.instant());
	}

	@Override
	public String toString() {
		return "WebhookVerification" + this.secrets.keySet();
	}

}
