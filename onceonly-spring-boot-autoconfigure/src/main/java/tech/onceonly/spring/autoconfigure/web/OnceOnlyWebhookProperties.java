package tech.onceonly.spring.autoconfigure.web;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import org.jspecify.annotations.Nullable;

import tech.onceonly.spring.web.webhook.WebhookSecrets;
import tech.onceonly.spring.web.webhook.WebhookSettings;
import tech.onceonly.spring.web.webhook.WebhookVerification;

/** Configuration of {@code @IdempotentWebhook} under {@code onceonly.webhook.*}. */
@ConfigurationProperties("onceonly.webhook")
public class OnceOnlyWebhookProperties {

	/** Whether @IdempotentWebhook handlers are guarded. */
	private boolean enabled = true;

	/**
	 * How long a delivery being handled keeps its key when the annotation sets no lease
	 * time; a handler that runs longer may be run again by a retry, and a crashed
	 * handler's key frees after it.
	 */
	private Duration leaseTtl = Duration.ofMinutes(5);

	/**
	 * The 2xx status answered to a delivery that was already handled (so the provider
	 * stops retrying).
	 */
	private int duplicateStatus = 200;

	/**
	 * The largest body read to find a delivery id; larger deliveries to guarded handlers
	 * get 413.
	 */
	private DataSize maxBodySize = DataSize.ofMegabytes(1);

	/** The Retry-After sent with 409 (and 503) when the backend gives no hint. */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * Signing secrets by endpoint name: the annotation's scope, else the provider's name
	 * ("stripe", "github", "shopify", "slack", "standard-webhooks"), so an entry named
	 * after a provider serves all its endpoints. An endpoint with a secret has its
	 * provider's signature checked before the delivery is deduplicated; a delivery that
	 * is not genuine gets 401.
	 */
	private Map<String, Endpoint> endpoints = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getLeaseTtl() {
		return this.leaseTtl;
	}

	public void setLeaseTtl(Duration leaseTtl) {
		this.leaseTtl = leaseTtl;
	}

	public int getDuplicateStatus() {
		return this.duplicateStatus;
	}

	public void setDuplicateStatus(int duplicateStatus) {
		this.duplicateStatus = duplicateStatus;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public Map<String, Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(Map<String, Endpoint> endpoints) {
		this.endpoints = endpoints;
	}

	/**
	 * The signature checks these properties describe; fails naming the property when an
	 * entry has no secret.
	 * @param clock the clock signed timestamps are compared with
	 */
	public WebhookVerification toVerification(Clock clock) {
		Map<String, WebhookSecrets> secrets = new LinkedHashMap<>();
		this.endpoints.forEach((name, endpoint) -> {
			List<String> all = endpoint.allSecrets();
			if (all.isEmpty()) {
				throw new IllegalArgumentException(
						"onceonly.webhook.endpoints." + name + " sets no secret; set onceonly.webhook.endpoints." + name
								+ ".secret (or .secrets for " + "several during a rotation), or remove the entry");
			}
			if (endpoint.getTolerance().isNegative() || endpoint.getTolerance().isZero()) {
				throw new IllegalArgumentException("onceonly.webhook.endpoints." + name
						+ ".tolerance must be positive, was " + endpoint.getTolerance());
			}
			secrets.put(name, new WebhookSecrets(all, endpoint.getTolerance()));
		});
		return new WebhookVerification(secrets, clock);
	}

	@Override
	public String toString() {
		return "OnceOnlyWebhookProperties[enabled=" + this.enabled + ", leaseTtl=" + this.leaseTtl
				+ ", duplicateStatus=" + this.duplicateStatus + ", maxBodySize=" + this.maxBodySize + ", retryAfter="
				+ this.retryAfter + ", endpoints=" + this.endpoints + "]";
	}

	/**
	 * The signing secrets of one endpoint (or of every endpoint of a provider). Its
	 * {@link #toString()} never shows a secret.
	 */
	public static class Endpoint {

		/** The signing secret, as the provider shows it. */
		private @Nullable String secret;

		/**
		 * More signing secrets, any of which may sign a delivery (to rotate a secret
		 * without refusing deliveries).
		 */
		private List<String> secrets = new ArrayList<>();

		/**
		 * How far a signed timestamp may be from now before the delivery is refused as a
		 * replay (Stripe, Slack, Standard Webhooks).
		 */
		private Duration tolerance = WebhookSecrets.DEFAULT_TOLERANCE;

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public List<String> getSecrets() {
			return this.secrets;
		}

		public void setSecrets(List<String> secrets) {
			this.secrets = secrets;
		}

		public Duration getTolerance() {
			return this.tolerance;
		}

		public void setTolerance(Duration tolerance) {
			this.tolerance = tolerance;
		}

		List<String> allSecrets() {
			List<String> all = new ArrayList<>();
			if (this.secret != null && !this.secret.isBlank()) {
				all.add(this.secret);
			}
			this.secrets.stream().filter((s) -> s != null && !s.isBlank()).forEach(all::add);
			return all;
		}

		@Override
		public String toString() {
			return "Endpoint[secrets=" + allSecrets().size() + " x ******, tolerance=" + this.tolerance + "]";
		}

	}

	/**
	 * The settings these properties describe; fails naming the property when one is out
	 * of range.
	 */
	public WebhookSettings toSettings() {
		return new WebhookSettings(this.leaseTtl, this.duplicateStatus, this.maxBodySize.toBytes(), this.retryAfter);
	}

}
