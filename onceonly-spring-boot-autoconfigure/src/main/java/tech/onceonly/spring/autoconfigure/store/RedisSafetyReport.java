package tech.onceonly.spring.autoconfigure.store;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Redis;
import tech.onceonly.spring.autoconfigure.OnceOnlyProperties.Store.Redis.SafetyChecks;
import tech.onceonly.store.redis.RedisSafetyCheck;

/**
 * What the startup safety checks found on the application's Redis
 * ({@code onceonly.store.redis.safety-checks}): nothing unsafe, the problems (each saying
 * what to change), or that the server could not be reached at startup (then nothing is
 * refused: availability is the health indicator's matter).
 */
public final class RedisSafetyReport {

	private static final Log logger = LogFactory.getLog(RedisSafetyReport.class);

	private final List<String> problems;

	private final @Nullable String unchecked;

	private RedisSafetyReport(List<String> problems, @Nullable String unchecked) {
		this.problems = List.copyOf(problems);
		this.unchecked = unchecked;
	}

	/**
	 * Checks the server behind {@code connectionFactory} as {@code properties} say.
	 * @throws IllegalStateException with every problem when the mode is {@code fail}
	 */
	static RedisSafetyReport check(RedisConnectionFactory connectionFactory, Redis properties) {
		if (properties.getSafetyChecks() == SafetyChecks.OFF) {
			return new RedisSafetyReport(List.of(), "onceonly.store.redis.safety-checks=off");
		}
		RedisSafetyCheck.Settings settings;
		try {
			settings = RedisSafetyCheck.read(connectionFactory);
		}
		catch (DataAccessException ex) {
			String reason = "Redis could not be reached at startup (" + ex.getMostSpecificCause().getMessage() + ")";
			logger.warn("OnceOnly could not check the Redis settings: " + reason);
			return new RedisSafetyReport(List.of(), reason);
		}
		List<String> problems = RedisSafetyCheck.problems(settings, properties.isRequirePersistence(),
				properties.isRequireNoeviction());
		if (!problems.isEmpty()) {
			String message = "The Redis of the OnceOnly store is unsafe (" + settings + "):\n - "
					+ String.join("\n - ", problems)
					+ "\n(onceonly.store.redis.safety-checks=health starts anyway and reports DOWN health instead)";
			if (properties.getSafetyChecks() == SafetyChecks.FAIL) {
				throw new IllegalStateException(message);
			}
			logger.error(message);
		}
		return new RedisSafetyReport(problems, null);
	}

	/** Each unsafe setting found, saying what to change; empty when none. */
	public List<String> problems() {
		return this.problems;
	}

	/** Why nothing was checked, or {@code null} when the settings were checked. */
	public @Nullable String unchecked() {
		return this.unchecked;
	}

}
