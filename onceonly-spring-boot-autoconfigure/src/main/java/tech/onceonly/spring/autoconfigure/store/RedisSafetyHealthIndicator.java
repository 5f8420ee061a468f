package tech.onceonly.spring.autoconfigure.store;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN with the unsafe Redis settings found at startup
 * ({@code onceonly.store.redis.safety-checks=health}), UP otherwise.
 */
final class RedisSafetyHealthIndicator implements HealthIndicator {

	private final RedisSafetyReport report;

	RedisSafetyHealthIndicator(RedisSafetyReport report) {
		this.report = report;
	}

	@Override
	public Health health() {
		Health.Builder health = this.report.problems().isEmpty() ? Health.up() : Health.down();
		if (!this.report.problems().isEmpty()) {
			health.withDetail("problems", this.report.problems());
		}
		String unchecked = this.report.unchecked();
		if (unchecked != null) {
			health.withDetail("unchecked", unchecked);
		}
		return health.build();
	}

}
