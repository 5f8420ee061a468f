package tech.onceonly.spring.annotation;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where a webhook provider puts the id of a delivery, so {@link IdempotentWebhook} can
 * deduplicate redeliveries. Each provider also names the key scope
 * ({@code webhook:<scope>:<id>}), so ids of different providers never collide.
 */
public enum WebhookProvider {

	/** Stripe: the event id ({@code "id": "evt_…"}) at the top of the JSON body. */
	STRIPE("stripe", null, "id"),

	/**
	 * GitHub: the {@code X-GitHub-Delivery} header (a GUID per delivery, kept on
	 * redelivery).
	 */
	GITHUB("github", "X-GitHub-Delivery", null),

	/** Shopify: the {@code X-Shopify-Webhook-Id} header (kept on retries). */
	SHOPIFY("shopify", "X-Shopify-Webhook-Id", null),

	/**
	 * Slack Events API: {@code event_id} at the top of the JSON body (kept on Slack's
	 * retries, which add {@code X-Slack-Retry-Num}). A {@code url_verification} request
	 * carries no event id and is let through unguarded so the challenge can be answered.
	 */
	SLACK("slack", null, "event_id"),

	/** Standard Webhooks (Svix and others): the {@code webhook-id} header. */
	STANDARD_WEBHOOKS("standard-webhooks", "webhook-id", null),

	/**
	 * Any other sender: the header named by {@link IdempotentWebhook#header()}, or the
	 * {@link IdempotentWebhook#key()} expression. The key scope is the route pattern
	 * unless {@link IdempotentWebhook#scope()} names one.
	 */
	GENERIC("generic", null, null);

	private final String scope;

	private final @Nullable String header;

	private final @Nullable String bodyField;

	WebhookProvider(String scope, @Nullable String header, @Nullable String bodyField) {
		this.scope = scope;
		this.header = header;
		this.bodyField = bodyField;
	}

	/**
	 * The key scope this provider's deliveries are stored under (lowercase, never a
	 * route).
	 */
	public String scope() {
		return this.scope;
	}

	/**
	 * The header that carries the delivery id, or {@code null} when the id is in the
	 * body.
	 */
	public @Nullable String header() {
		return this.header;
	}

	/**
	 * The top-level JSON body field that carries the delivery id, or {@code null} when it
	 * is in a header.
	 */
	public @Nullable String bodyField() {
		return this.bodyField;
	}

	/** The lowercase name used as the {@code provider} tag of observations. */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
