package tech.onceonly.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * This engine's usage counters since it started (JVM-local, not shared through the
 * store): requests, charged (locked or acquired), blocked (duplicates) and polling
 * answers, per kind ({@code make} = check-lock, {@code ai} = leases and runs).
 */
final class UsageCounters {

	final Kind make = new Kind();

	final Kind ai = new Kind();

	/** One kind's counters. */
	static final class Kind {

		final LongAdder requests = new LongAdder();

		final LongAdder charged = new LongAdder();

		final LongAdder blocked = new LongAdder();

		final LongAdder polling = new LongAdder();

		Map<String, Object> toWire() {
			Map<String, Object> wire = new LinkedHashMap<>();
			wire.put("usage", this.charged.sum());
			wire.put("limit", null);
			wire.put("requests_total_month", this.requests.sum());
			wire.put("blocked_total_month", this.blocked.sum());
			wire.put("charged_total_month", this.charged.sum());
			wire.put("polling_total_month", this.polling.sum());
			return wire;
		}

	}

}
