package tech.onceonly.store;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A registered HTTP tool, keyed by {@code scopeId} and {@code name}. The secret is kept
 * for signing calls and is never part of an answer.
 *
 * @param scopeId {@code global} or {@code agent:<agent_id>}
 * @param name the tool name
 * @param url the endpoint OnceOnly calls
 * @param authType always {@code hmac_sha256}
 * @param secret the signing secret
 * @param timeoutMs the per-attempt timeout
 * @param maxRetries extra attempts after a failed one
 * @param enabled whether calls reach the tool
 * @param description what the tool does
 * @param riskLevel the declared risk level, or {@code null} for the default
 * @param createdAt when first registered (kept by upserts)
 * @param updatedAt when last written
 */
public record ToolRecord(String scopeId, String name, String url, String authType, String secret, int timeoutMs,
		int maxRetries, boolean enabled, @Nullable String description, @Nullable String riskLevel, Instant createdAt,
		Instant updatedAt) {

	/** This tool with another enabled flag and update time. */
	public ToolRecord withEnabled(boolean value, Instant at) {
		return new ToolRecord(this.scopeId, this.name, this.url, this.authType, this.secret, this.timeoutMs,
				this.maxRetries, value, this.description, this.riskLevel, this.createdAt, at);
	}

	/** This tool with other timestamps. */
	public ToolRecord withTimes(Instant created, Instant updated) {
		return new ToolRecord(this.scopeId, this.name, this.url, this.authType, this.secret, this.timeoutMs,
				this.maxRetries, this.enabled, this.description, this.riskLevel, created, updated);
	}

	@Override
	public String toString() {
		return "ToolRecord[scopeId=" + this.scopeId + ", name=" + this.name + ", url=" + this.url + ", enabled="
				+ this.enabled + ", secret=****]";
	}

}
