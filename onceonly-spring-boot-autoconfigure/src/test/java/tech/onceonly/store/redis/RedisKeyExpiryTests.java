package tech.onceonly.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import tech.onceonly.store.AuditRecord;
import tech.onceonly.store.ToolRecord;
import tech.onceonly.store.UsageLimits;
import tech.onceonly.store.UsageRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After every store and governance operation has run, a scan of the keyspace finds no key
 * without a Redis expiry except the governance state that is kept on purpose (policies,
 * the kill switch, tools, and the bounded event index, as docs/stores.md lists).
 */
class RedisKeyExpiryTests {

	/** The governance keys documented as kept without expiry. */
	private static final Pattern DOCUMENTED_WITHOUT_EXPIRY = Pattern
		.compile("gov:(\\{a:[^}]+\\}:(policy|agent)|policies|tools:.+|events:seq)");

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = RedisTestConnections.create();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Test
	void noKeyShouldBeLeftWithoutExpiryExceptDocumentedGovernanceState() {
		String prefix = "onceonly-expiry-" + UUID.randomUUID() + ":";
		writeEveryKindOfKey(connectionFactory, prefix);
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		try {
			assertOnlyDocumentedKeysWithoutExpiry(redis, prefix, keys);
		}
		finally {
			redis.delete(keys);
		}
	}

	/**
	 * Runs every lease store and governance store operation under {@code prefix}, with
	 * the store clock moved past the lease ttl once.
	 */
	static void writeEveryKindOfKey(RedisConnectionFactory connectionFactory, String prefix) {
		RedisStore store = new RedisStore(connectionFactory, prefix);
		Duration ttl = Duration.ofMinutes(1);
		Duration retention = Duration.ofHours(1);
		store.tryLock("lock", ttl, "{}");
		store.tryLock("released", ttl, null);
		store.releaseLock("released");
		for (String outcome : List.of("complete", "fail", "cancel", "held", "deleted")) {
			String id = UUID.randomUUID().toString();
			store.acquireLease(outcome, ttl, id, "{}");
			store.extendLease(outcome, id, ttl);
			switch (outcome) {
				case "complete" -> store.completeLease(outcome, id, "{\"r\":1}", "h", retention);
				case "fail" -> store.failLease(outcome, id, "boom", null, retention);
				case "cancel" -> store.cancelLease(outcome, id);
				case "deleted" -> store.deleteLease(outcome);
				default -> {
				}
			}
			store.getLease(outcome);
		}
		store.setTimeOffset(Duration.ofMinutes(2));
		store.acquireLease("held", ttl, UUID.randomUUID().toString(), null);
		store.tryLock("lock", ttl, null);

		RedisGovernanceStore governance = new RedisGovernanceStore(new StringRedisTemplate(connectionFactory),
				prefix + "gov:", Duration.ofDays(7), 1000, 1000);
		Instant now = governance.now();
		governance.putPolicy("agent", "{}");
		governance.setAgentEnabled("agent", false, "test");
		UsageRequest usage = new UsageRequest("agent", "tool", now.truncatedTo(ChronoUnit.HOURS),
				now.atZone(ZoneOffset.UTC).toLocalDate(), 5, new UsageLimits(100L, 100L, 1000L));
		governance.reserve(usage);
		governance.release(usage);
		governance.usage(usage);
		governance.appendAudit(new AuditRecord(now, "agent", "tool", "allow", "ok", null, null, 5, "run"));
		governance.putTool(new ToolRecord("scope", "tool", "https://example.org", "none", "", 1000, 0, true, null, null,
				now, now));
		governance.setToolEnabled("scope", "tool", false);
		governance.appendEvent("run", "{}");
		governance.listRecentEvents(10, 0);
	}

	/**
	 * Asserts that {@code keys} (found under {@code prefix}) are not empty and that only
	 * the documented governance state among them has no expiry.
	 */
	static void assertOnlyDocumentedKeysWithoutExpiry(StringRedisTemplate redis, String prefix, List<String> keys) {
		List<String> withoutExpiry = new ArrayList<>();
		for (String key : keys) {
			Long expiry = redis.getExpire(key);
			if (expiry != null && expiry == -1) {
				withoutExpiry.add(key.substring(prefix.length()));
			}
		}
		assertThat(keys).as("keys written").isNotEmpty();
		assertThat(withoutExpiry).as("keys without expiry")
			.allSatisfy((key) -> assertThat(key).matches(DOCUMENTED_WITHOUT_EXPIRY))
			.anySatisfy((key) -> assertThat(key).endsWith(":agent"));
	}

}
