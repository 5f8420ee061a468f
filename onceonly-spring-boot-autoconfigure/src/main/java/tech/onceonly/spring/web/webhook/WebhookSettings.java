package tech.onceonly.spring.web.webhook;

import java.time.Duration;

/**
 * How webhook deliveries are guarded.
 *
 * @param leaseTtl how long a delivery being handled keeps its key when the annotation
 * sets no lease time
 * @param duplicateStatus the 2xx status answered to a delivery that was already handled
 * @param maxBodyBytes the largest body read to find a delivery id; larger deliveries get
 * 413
 * @param retryAfter the {@code Retry-After} sent with 409 when the backend gives no hint
 */
public record WebhookSettings(Duration leaseTtl, int duplicateStatus, long maxBodyBytes, Duration retryAfter) {

	public WebhookSettings {
		if (leaseTtl.toSeconds() < 1) {
			throw new IllegalArgumentException("onceonly.webhook.lease-ttl must be at least 1s, was " + leaseTtl);
		}
		if (duplicateStatus < 200 || duplicateStatus > 299) {
			throw new IllegalArgumentException(
					"onceonly.webhook.duplicate-status must be a 2xx status so providers stop retrying, was "
							+ duplicateStatus);
		}
		if (maxBodyBytes < 1) {
			throw new IllegalArgumentException("onceonly.webhook.max-body-size must be positive, was " + maxBodyBytes);
		}
	}

	/**
	 * Five minute leases, 200 for duplicates, bodies up to 1 MB, {@code Retry-After: 1}.
	 */
	public static WebhookSettings defaults() {
		return new WebhookSettings(Duration.ofMinutes(5), 200, 1024 * 1024, Duration.ofSeconds(1));
	}

}
