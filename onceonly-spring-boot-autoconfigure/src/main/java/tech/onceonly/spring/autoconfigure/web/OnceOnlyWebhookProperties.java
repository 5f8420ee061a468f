package tech.onceonly.spring.autoconfigure.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import tech.onceonly.spring.web.webhook.WebhookSettings;

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

	/**
	 * The settings these properties describe; fails naming the property when one is out
	 * of range.
	 */
	public WebhookSettings toSettings() {
		return new WebhookSettings(this.leaseTtl, this.duplicateStatus, this.maxBodySize.toBytes(), this.retryAfter);
	}

}
