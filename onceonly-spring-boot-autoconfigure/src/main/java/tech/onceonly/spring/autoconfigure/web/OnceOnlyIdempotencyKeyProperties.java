package tech.onceonly.spring.autoconfigure.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import tech.onceonly.spring.web.idempotency.IdempotencyKeySettings;

/** Configuration of Idempotency-Key support under {@code onceonly.idempotency-key.*}. */
@ConfigurationProperties("onceonly.idempotency-key")
public class OnceOnlyIdempotencyKeyProperties {

	/**
	 * Whether Idempotency-Key support is on (for @IdempotencyKey handlers and the
	 * configured paths).
	 */
	private boolean enabled = true;

	/**
	 * Path patterns (such as /api/payments/**) guarded without an annotation, for the
	 * configured methods.
	 */
	private List<String> paths = new ArrayList<>();

	/** HTTP methods the path patterns apply to. */
	private List<String> methods = new ArrayList<>(List.of("POST", "PATCH"));

	/**
	 * Whether a request to a configured path without an Idempotency-Key is refused with
	 * 400.
	 */
	private boolean required = true;

	/** How long a request being processed keeps its key; retries meanwhile get 409. */
	private Duration leaseTtl = Duration.ofMinutes(5);

	/** The longest Idempotency-Key accepted. */
	private int maxKeyLength = 255;

	/**
	 * Whether unquoted keys (Idempotency-Key: abc) are accepted besides RFC 8941 strings
	 * ("abc").
	 */
	private boolean allowBareTokens = true;

	/** The largest request body fingerprinted; larger keyed requests get 413. */
	private DataSize maxRequestBodySize = DataSize.ofMegabytes(1);

	/**
	 * The largest response body stored for replay; a larger body is not stored, and
	 * replays carry the status and headers only.
	 */
	private DataSize maxStoredBodySize = DataSize.ofKilobytes(64);

	/** Response headers stored and replayed besides the status and body. */
	private List<String> replayHeaders = new ArrayList<>(List.of("Content-Type", "Location"));

	/**
	 * Whether 4xx answers (except 408, 409, 425 and 429) are stored and replayed rather
	 * than released.
	 */
	private boolean replayClientErrors = true;

	/**
	 * Whether 5xx answers are stored and replayed rather than released (exceptions are
	 * always released).
	 */
	private boolean replayServerErrors = false;

	/** The Retry-After sent with 409 (and 503) when the backend gives no hint. */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * A header naming the caller's tenant, set by a trusted gateway, that scopes keys
	 * besides the principal.
	 */
	private @Nullable String tenantHeader;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getPaths() {
		return this.paths;
	}

	public void setPaths(List<String> paths) {
		this.paths = paths;
	}

	public List<String> getMethods() {
		return this.methods;
	}

	public void setMethods(List<String> methods) {
		this.methods = methods;
	}

	public boolean isRequired() {
		return this.required;
	}

	public void setRequired(boolean required) {
		this.required = required;
	}

	public Duration getLeaseTtl() {
		return this.leaseTtl;
	}

	public void setLeaseTtl(Duration leaseTtl) {
		this.leaseTtl = leaseTtl;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public void setMaxKeyLength(int maxKeyLength) {
		this.maxKeyLength = maxKeyLength;
	}

	public boolean isAllowBareTokens() {
		return this.allowBareTokens;
	}

	public void setAllowBareTokens(boolean allowBareTokens) {
		this.allowBareTokens = allowBareTokens;
	}

	public DataSize getMaxRequestBodySize() {
		return this.maxRequestBodySize;
	}

	public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
		this.maxRequestBodySize = maxRequestBodySize;
	}

	public DataSize getMaxStoredBodySize() {
		return this.maxStoredBodySize;
	}

	public void setMaxStoredBodySize(DataSize maxStoredBodySize) {
		this.maxStoredBodySize = maxStoredBodySize;
	}

	public List<String> getReplayHeaders() {
		return this.replayHeaders;
	}

	public void setReplayHeaders(List<String> replayHeaders) {
		this.replayHeaders = replayHeaders;
	}

	public boolean isReplayClientErrors() {
		return this.replayClientErrors;
	}

	public void setReplayClientErrors(boolean replayClientErrors) {
		this.replayClientErrors = replayClientErrors;
	}

	public boolean isReplayServerErrors() {
		return this.replayServerErrors;
	}

	public void setReplayServerErrors(boolean replayServerErrors) {
		this.replayServerErrors = replayServerErrors;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public @Nullable String getTenantHeader() {
		return this.tenantHeader;
	}

	public void setTenantHeader(@Nullable String tenantHeader) {
		this.tenantHeader = tenantHeader;
	}

	/**
	 * The settings these properties describe; fails naming the property when one is out
	 * of range.
	 */
	public IdempotencyKeySettings toSettings() {
		return new IdempotencyKeySettings(this.paths, new LinkedHashSet<>(this.methods), this.required, this.leaseTtl,
				this.maxKeyLength, this.allowBareTokens, this.maxRequestBodySize.toBytes(),
				this.maxStoredBodySize.toBytes(), this.replayHeaders, this.replayClientErrors, this.replayServerErrors,
				this.retryAfter,
				(this.tenantHeader != null && !this.tenantHeader.isBlank()) ? this.tenantHeader.trim() : null);
	}

}
