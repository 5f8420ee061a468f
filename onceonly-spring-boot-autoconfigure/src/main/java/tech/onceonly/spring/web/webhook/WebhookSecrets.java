package tech.onceonly.spring.web.webhook;

import java.time.Duration;
import java.util.List;

/**
 * The signing secrets of one webhook endpoint and how far a signed timestamp may be from
 * now. Several secrets let a secret be rotated: a delivery signed with any of them is
 * accepted. {@link #toString()} never shows a secret.
 *
 * @param secrets the signing secrets, as the provider shows them (Standard Webhooks
 * secrets keep their {@code whsec_} prefix)
 * @param tolerance the largest distance between a signed timestamp and now; older or
 * newer deliveries are refused as replays
 */
public record WebhookSecrets(List<String> secrets, Duration tolerance) {

	/** The tolerance providers document: five minutes. */
	public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

	public WebhookSecrets {
		secrets = secrets.stream().filter((secret) -> secret != null && !secret.isBlank()).toList();
		if (secrets.isEmpty()) {
			throw new IllegalArgumentException("webhook secrets must name at least one non-blank secret");
		}
		if (tolerance.isNegative() || tolerance.isZero()) {
			throw new IllegalArgumentException("webhook signature tolerance must be positive, was " + tolerance);
		}
	}

	/** Secrets with the default five minute tolerance. */
	public static WebhookSecrets of(String... secrets) {
		return new WebhookSecrets(List.of(secrets), DEFAULT_TOLERANCE);
	}

	@Override
	public String toString() {
		return "WebhookSecrets[secrets=" + this.secrets.size() + " x ******, tolerance=" + this.tolerance + "]";
	}

}
