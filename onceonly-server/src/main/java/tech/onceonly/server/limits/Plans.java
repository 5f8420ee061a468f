package tech.onceonly.server.limits;

import tech.onceonly.server.OnceOnlyServerProperties;

/** The configured plans: each key's monthly quotas and rate limit. */
public final class Plans {

	private final OnceOnlyServerProperties properties;

	/** Plans read from the server properties. */
	public Plans(OnceOnlyServerProperties properties) {
		this.properties = properties;
	}

	/** The monthly limit of {@code kind} on {@code plan}; 0 means none. */
	public long limit(String plan, UsageKind kind) {
		OnceOnlyServerProperties.Plan config = this.properties.getPlans().get(plan);
		if (config == null) {
			return 0;
		}
		return Math.max(0, (kind == UsageKind.MAKE) ? config.getMakeLimit() : config.getAiLimit());
	}

	/** The sustained requests per second of a key on {@code plan}; 0 means none. */
	public double requestsPerSecond(String plan) {
		OnceOnlyServerProperties.Plan config = this.properties.getPlans().get(plan);
		if (config != null && config.getRequestsPerSecond() != null) {
			return config.getRequestsPerSecond();
		}
		return this.properties.getRateLimit().getRequestsPerSecond();
	}

	/** The burst of a key on {@code plan}. */
	public int burst(String plan) {
		OnceOnlyServerProperties.Plan config = this.properties.getPlans().get(plan);
		if (config != null && config.getBurst() != null) {
			return config.getBurst();
		}
		return this.properties.getRateLimit().getBurst();
	}

}
