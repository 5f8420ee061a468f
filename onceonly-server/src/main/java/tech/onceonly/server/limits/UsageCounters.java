package tech.onceonly.server.limits;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * This month's usage per tenant and kind (UTC calendar month), in this JVM's memory, and
 * the quota check on it. Counters of earlier months are dropped when a new month starts.
 */
public final class UsageCounters {

	private final Clock clock;

	private final Plans plans;

	private final ConcurrentMap<String, Counters> counters = new ConcurrentHashMap<>();

	private volatile String month;

	/**
	 * Counters.
	 * @param clock the time that decides the month
	 * @param plans the quotas
	 */
	public UsageCounters(Clock clock, Plans plans) {
		this.clock = clock;
		this.plans = plans;
		this.month = currentMonth();
	}

	/** The current month, {@code YYYY-MM}. */
	public String month() {
		String now = currentMonth();
		if (!now.equals(this.month)) {
			this.month = now;
			this.counters.keySet().removeIf((key) -> !key.startsWith(now + "|"));
		}
		return now;
	}

	private String currentMonth() {
		return YearMonth.now(this.clock.withZone(ZoneOffset.UTC)).toString();
	}

	private Counters of(String tenant, UsageKind kind) {
		return this.counters.computeIfAbsent(month() + "|" + tenant + "|" + kind.wireName(), (k) -> new Counters());
	}

	/**
	 * Counts a request and charges one unit of {@code kind}, unless the plan's quota is
	 * used up.
	 * @throws QuotaExceededException when the quota is used up (counted as blocked,
	 * nothing charged)
	 */
	public void charge(String tenant, String plan, UsageKind kind) {
		Counters c = of(tenant, kind);
		c.requests.incrementAndGet();
		reserve(c, plan, kind);
		c.charged.incrementAndGet();
	}

	/** Takes back a charge whose request failed before doing anything. */
	public void refund(String tenant, UsageKind kind) {
		Counters c = of(tenant, kind);
		c.usage.decrementAndGet();
		c.charged.decrementAndGet();
	}

	/**
	 * Takes back the charge of a check-lock that found a duplicate and counts it as
	 * blocked: duplicates are blocked, not charged.
	 */
	public void blockDuplicate(String tenant, UsageKind kind) {
		Counters c = of(tenant, kind);
		c.usage.decrementAndGet();
		c.charged.decrementAndGet();
		c.blocked.incrementAndGet();
	}

	/** This month's charged usage of {@code kind}. */
	public long used(String tenant, UsageKind kind) {
		return of(tenant, kind).usage.get();
	}

	/** The plan's monthly limit of {@code kind}, or {@code null} when there is none. */
	public @Nullable Long limitOf(String plan, UsageKind kind) {
		return limitOrNull(plan, kind);
	}

	/**
	 * Counts a request that charges nothing yet ({@link #chargeAcquired} follows if it
	 * acquires).
	 */
	public void countRequest(String tenant, UsageKind kind) {
		of(tenant, kind).requests.incrementAndGet();
	}

	/** Counts a lease request that found the work held by someone else. */
	public void countPolling(String tenant, UsageKind kind) {
		of(tenant, kind).polling.incrementAndGet();
	}

	/**
	 * Charges one acquisition.
	 * @throws QuotaExceededException when the quota is used up (counted as blocked,
	 * nothing charged)
	 */
	public void chargeAcquired(String tenant, String plan, UsageKind kind) {
		Counters c = of(tenant, kind);
		reserve(c, plan, kind);
		c.charged.incrementAndGet();
	}

	private void reserve(Counters c, String plan, UsageKind kind) {
		long limit = this.plans.limit(plan, kind);
		while (true) {
			long used = c.usage.get();
			if (limit > 0 && used >= limit) {
				c.blocked.incrementAndGet();
				throw new QuotaExceededException(plan, limit, used + 1);
			}
			if (c.usage.compareAndSet(used, used + 1)) {
				return;
			}
		}
	}

	/** The {@code GET /usage?kind=} answer. */
	public Map<String, Object> usage(String tenant, String plan, UsageKind kind) {
		Counters c = of(tenant, kind);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("plan", plan);
		answer.put("month", month());
		answer.put("usage", c.usage.get());
		answer.put("limit", limitOrNull(plan, kind));
		answer.put("requests_total_month", c.requests.get());
		answer.put("blocked_total_month", c.blocked.get());
		return answer;
	}

	/** The {@code GET /usage/all} answer. */
	public Map<String, Object> usageAll(String tenant, String plan) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("plan", plan);
		answer.put("month", month());
		for (UsageKind kind : UsageKind.values()) {
			Counters c = of(tenant, kind);
			Map<String, Object> part = new LinkedHashMap<>();
			part.put("usage", c.usage.get());
			part.put("limit", limitOrNull(plan, kind));
			part.put("requests_total_month", c.requests.get());
			part.put("blocked_total_month", c.blocked.get());
			part.put("charged_total_month", c.charged.get());
			part.put("polling_total_month", c.polling.get());
			answer.put(kind.wireName(), part);
		}
		return answer;
	}

	private @Nullable Long limitOrNull(String plan, UsageKind kind) {
		long limit = this.plans.limit(plan, kind);
		return (limit > 0) ? limit : null;
	}

	private static final class Counters {

		final AtomicLong usage = new AtomicLong();

		final AtomicLong requests = new AtomicLong();

		final AtomicLong blocked = new AtomicLong();

		final AtomicLong charged = new AtomicLong();

		final AtomicLong polling = new AtomicLong();

	}

}
