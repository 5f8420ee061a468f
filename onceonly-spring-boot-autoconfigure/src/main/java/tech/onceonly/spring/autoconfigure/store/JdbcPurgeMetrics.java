package tech.onceonly.spring.autoconfigure.store;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import tech.onceonly.store.jdbc.JdbcPurge;

/**
 * Micrometer meters of the JDBC purge: {@code onceonly.store.purge.rows} (counter of rows
 * deleted, tag {@code table}) and {@code onceonly.store.purge} (timer of runs, tag
 * {@code outcome}: {@code purged}, {@code skipped} when another instance held the guard,
 * or {@code failed}).
 */
public final class JdbcPurgeMetrics implements JdbcPurgeScheduler.Recorder {

	private final MeterRegistry registry;

	/** Meters in {@code registry}. */
	public JdbcPurgeMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void ran(JdbcPurge.Result result) {
		time(result.ran() ? "purged" : "skipped", result.duration());
		for (Map.Entry<String, Long> table : result.deleted().entrySet()) {
			Counter.builder("onceonly.store.purge.rows")
				.description("Rows deleted by the OnceOnly JDBC purge")
				.tag("table", table.getKey())
				.register(this.registry)
				.increment(table.getValue());
		}
	}

	@Override
	public void failed(Duration duration, RuntimeException failure) {
		time("failed", duration);
	}

	private void time(String outcome, Duration duration) {
		Timer.builder("onceonly.store.purge")
			.description("Runs of the OnceOnly JDBC purge")
			.tag("outcome", outcome)
			.register(this.registry)
			.record(duration);
	}

}
