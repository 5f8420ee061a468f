package tech.onceonly.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A store in Redis shared by every JVM that uses the same Redis and key prefix. Every
 * operation that reads and writes is one Lua script (sent by SHA, loaded once), so the
 * decision (expiry, fencing by lease id, terminal states) is made atomically inside Redis
 * against the Redis clock ({@code TIME}); the JVM clock is never consulted.
 * <p>
 * Each logical key lives in one hash per kind, {@code <prefix>{<key>}:lock} and
 * {@code <prefix>{<key>}:lease}: the hash tag keeps both in one slot, and every script
 * touches a single key, so the store works on Redis Cluster. Keys carry a Redis expiry
 * ({@code PEXPIRE}) past their logical end (lock ttl; lease ttl plus ten minutes, so a
 * late holder can still finish; retention for results), which bounds memory without
 * deciding anything.
 * <p>
 * Durability is Redis's: without AOF persistence ({@code appendfsync everysec} or
 * {@code always}) a restart or failover can lose leases and results, and work can then
 * run again.
 */
public final class RedisStore implements OnceOnlyStore {

	/** The default prefix of every Redis key the store writes. */
	public static final String DEFAULT_KEY_PREFIX = "onceonly:";

	private static final long EXPIRED_HOLDER_GRACE_MILLIS = Duration.ofMinutes(10).toMillis();

	/**
	 * Common start of every script: the Redis time in milliseconds plus the offset in
	 * ARGV[1], and helpers.
	 */
	private static final String PRELUDE = """
			if redis.replicate_commands then redis.replicate_commands() end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
			local function fmt(n) return string.format('%.0f', n) end
			local function lease(k, outcome)
				local f = redis.call('HMGET', k, 'state', 'lease_id', 'version', 'first_seen_at', 'expires_at',
					'done_at', 'result', 'result_hash', 'error_code', 'metadata')
				local r = { outcome }
				for i = 1, 10 do r[i + 1] = f[i] or '' end
				r[12] = fmt(now)
				return r
			end
			""";

	private static final RedisScript<String> NOW = script("return fmt(now)", String.class);

	/**
	 * A lock is one string {@code <first_seen_at>:<expires_at>:<metadata>} set with
	 * {@code PX}: one GET and at most one SET per check-lock.
	 */
	private static final RedisScript<List> TRY_LOCK = script("""
			local v = redis.call('GET', KEYS[1])
			if v then
				local fs, ex, meta = string.match(v, '^(%d+):(%d+):(.*)$')
				if ex and tonumber(ex) > now then
					return { '0', fs, ex, meta, fmt(now) }
				end
			end
			local ttl = tonumber(ARGV[2])
			local fs, ex = fmt(now), fmt(now + ttl)
			redis.call('SET', KEYS[1], fs .. ':' .. ex .. ':' .. ARGV[3], 'PX', math.max(1, ttl))
			return { '1', fs, ex, ARGV[3], fmt(now) }
			""", List.class);

	private static final RedisScript<List> GET_LOCK = script("""
			local v = redis.call('GET', KEYS[1])
			if v then
				local fs, ex, meta = string.match(v, '^(%d+):(%d+):(.*)$')
				if ex and tonumber(ex) > now then
					return { '0', fs, ex, meta, fmt(now) }
				end
			end
			return {}
			""", List.class);

	/**
	 * One HMGET of every field: a key that is held or finished is answered from it (a
	 * replay reads the hash once and writes nothing); an acquisition answers with the
	 * fields it wrote, without reading them back.
	 */
	private static final RedisScript<List> ACQUIRE = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id', 'version', 'first_seen_at', 'expires_at',
				'done_at', 'result', 'result_hash', 'error_code', 'metadata')
			local continues = false
			if f[1] then
				local expires = tonumber(f[5])
				local outcome = nil
				if f[1] == 'COMPLETED' or f[1] == 'FAILED' then
					if expires > now then outcome = f[1] end
				elseif f[1] == 'HELD' and expires > now then
					outcome = 'HELD_BY_OTHER'
				else
					continues = true
				end
				if outcome then
					local r = { outcome }
					for i = 1, 10 do r[i + 1] = f[i] or '' end
					r[12] = fmt(now)
					return r
				end
			end
			local version = 1
			local first = now
			if continues then
				version = tonumber(f[3]) + 1
				first = tonumber(f[4])
			end
			local ttl = tonumber(ARGV[2])
			redis.call('DEL', KEYS[1])
			redis.call('HSET', KEYS[1], 'state', 'HELD', 'lease_id', ARGV[3], 'version', fmt(version),
				'first_seen_at', fmt(first), 'expires_at', fmt(now + ttl), 'metadata', ARGV[4])
			redis.call('PEXPIRE', KEYS[1], math.max(1, ttl + tonumber(ARGV[5])))
			return { 'ACQUIRED', 'HELD', ARGV[3], fmt(version), fmt(first), fmt(now + ttl), '', '', '', '', ARGV[4],
				fmt(now) }
			""", List.class);

	private static final RedisScript<List> EXTEND = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return {} end
			local ttl = tonumber(ARGV[3])
			redis.call('HSET', KEYS[1], 'expires_at', fmt(now + ttl))
			redis.call('PEXPIRE', KEYS[1], math.max(1, ttl + tonumber(ARGV[4])))
			return lease(KEYS[1], 'EXTENDED')
			""", List.class);

	private static final RedisScript<String> FINISH = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return false end
			local retention = tonumber(ARGV[4])
			redis.call('HSET', KEYS[1], 'state', ARGV[3], 'lease_id', '', 'expires_at', fmt(now + retention),
				'done_at', fmt(now), 'result', ARGV[5], 'result_hash', ARGV[6], 'error_code', ARGV[7])
			redis.call('PEXPIRE', KEYS[1], math.max(1, retention))
			return fmt(now)
			""", String.class);

	private static final RedisScript<Long> CANCEL = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return 0 end
			redis.call('HSET', KEYS[1], 'state', 'RELEASED', 'lease_id', '', 'expires_at', fmt(now))
			redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[3])))
			return 1
			""", Long.class);

	private static final RedisScript<List> GET_LEASE = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'expires_at')
			if not f[1] then return {} end
			if (f[1] == 'COMPLETED' or f[1] == 'FAILED') and tonumber(f[2]) <= now then return {} end
			return lease(KEYS[1], 'READ')
			""", List.class);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private volatile long timeOffsetMillis;

	/**
	 * A store on {@code connectionFactory} with the default key prefix.
	 * @param connectionFactory the Redis connections (standalone, sentinel or cluster)
	 */
	public RedisStore(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, DEFAULT_KEY_PREFIX);
	}

	/**
	 * A store on {@code connectionFactory}.
	 * @param connectionFactory the Redis connections (standalone, sentinel or cluster)
	 * @param keyPrefix the prefix of every key written; must not contain braces (they
	 * would change the hash tag)
	 */
	public RedisStore(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this(new StringRedisTemplate(Objects.requireNonNull(connectionFactory, "connectionFactory")), keyPrefix);
	}

	/**
	 * A store on {@code redis}.
	 * @param redis a template with string serializers for keys, values and script results
	 * @param keyPrefix the prefix of every key written; must not contain braces (they
	 * would change the hash tag)
	 */
	public RedisStore(StringRedisTemplate redis, String keyPrefix) {
		this.redis = Objects.requireNonNull(redis, "redis");
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"Invalid OnceOnly Redis key prefix '" + keyPrefix + "': braces would change the hash tag");
		}
		this.keyPrefix = keyPrefix;
	}

	private static <T> RedisScript<T> script(String body, Class<T> resultType) {
		return new DefaultRedisScript<>(PRELUDE + body, resultType);
	}

	/** The Redis key of the check-lock on {@code key}. */
	public String lockKey(String key) {
		return this.keyPrefix + "{" + key + "}:lock";
	}

	/** The Redis key of the lease on {@code key}. */
	public String leaseKey(String key) {
		return this.keyPrefix + "{" + key + "}:lease";
	}

	/**
	 * Shifts the store's clock by {@code offset} on top of the Redis clock. Only for
	 * tests, which move time instead of sleeping (through their {@code StoreTimeShift});
	 * not part of the API. Redis's own key expiry ignores the offset, so moving time
	 * forward never loses an entry early.
	 * @param offset the shift, added to the Redis time in every expiry decision
	 */
	void setTimeOffset(Duration offset) {
		this.timeOffsetMillis = offset.toMillis();
	}

	/**
	 * The current shift of the store's clock (zero unless
	 * {@link #setTimeOffset(Duration)} was used).
	 */
	Duration getTimeOffset() {
		return Duration.ofMillis(this.timeOffsetMillis);
	}

	@Override
	public String type() {
		return "redis";
	}

	@Override
	public Instant now() {
		String now = run("read the clock",
				() -> this.redis.execute(NOW, List.of(this.keyPrefix + "{clock}"), offset()));
		return Instant.ofEpochMilli(Long.parseLong(Objects.requireNonNull(now)));
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		List<?> reply = run("take the lock", () -> this.redis.execute(TRY_LOCK, List.of(lockKey(key)), offset(),
				Long.toString(ttl.toMillis()), text(metadataJson)));
		return new LockResult("1".equals(reply.get(0)), lockRecord(key, reply));
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		List<?> reply = run("read the lock", () -> this.redis.execute(GET_LOCK, List.of(lockKey(key)), offset()));
		return present(reply) ? lockRecord(key, reply) : null;
	}

	@Override
	public boolean releaseLock(String key) {
		return Boolean.TRUE.equals(run("release the lock", () -> this.redis.delete(lockKey(key))));
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		List<?> reply = run("acquire the lease",
				() -> this.redis.execute(ACQUIRE, List.of(leaseKey(key)), offset(), Long.toString(ttl.toMillis()),
						newLeaseId, text(metadataJson), Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
		String outcome = (String) reply.get(0);
		LeaseResult.Outcome value = switch (outcome) {
			case "ACQUIRED" -> LeaseResult.Outcome.ACQUIRED;
			case "COMPLETED" -> LeaseResult.Outcome.COMPLETED;
			case "FAILED" -> LeaseResult.Outcome.FAILED;
			default -> LeaseResult.Outcome.HELD_BY_OTHER;
		};
		return new LeaseResult(value, leaseRecord(key, reply));
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		List<?> reply = run("extend the lease", () -> this.redis.execute(EXTEND, List.of(leaseKey(key)), offset(),
				leaseId, Long.toString(ttl.toMillis()), Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
		return present(reply) ? leaseRecord(key, reply) : null;
	}

	@Override
	public @Nullable Instant completeLease(String key, String leaseId, @Nullable String resultJson,
			@Nullable String resultHash, Duration retention) {
		return finish("complete the lease", key, leaseId, LeaseState.COMPLETED, resultJson, resultHash, null,
				retention);
	}

	@Override
	public @Nullable Instant failLease(String key, String leaseId, String errorCode, @Nullable String errorHash,
			Duration retention) {
		return finish("fail the lease", key, leaseId, LeaseState.FAILED, null, null, errorCode, retention);
	}

	private @Nullable Instant finish(String what, String key, String leaseId, LeaseState state,
			@Nullable String resultJson, @Nullable String resultHash, @Nullable String errorCode, Duration retention) {
		String doneAt = run(what,
				() -> this.redis.execute(FINISH, List.of(leaseKey(key)), offset(), leaseId, state.name(),
						Long.toString(retention.toMillis()), text(resultJson), text(resultHash), text(errorCode)));
		return (doneAt != null) ? Instant.ofEpochMilli(Long.parseLong(doneAt)) : null;
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		Long cancelled = run("cancel the lease", () -> this.redis.execute(CANCEL, List.of(leaseKey(key)), offset(),
				leaseId, Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
		return cancelled != null && cancelled == 1L;
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		List<?> reply = run("read the lease", () -> this.redis.execute(GET_LEASE, List.of(leaseKey(key)), offset()));
		return present(reply) ? leaseRecord(key, reply) : null;
	}

	@Override
	public boolean deleteLease(String key) {
		return Boolean.TRUE.equals(run("delete the lease", () -> this.redis.delete(leaseKey(key))));
	}

	/** Scripts answer an empty array for "nothing there". */
	private static boolean present(@Nullable List<?> reply) {
		return reply != null && !reply.isEmpty() && reply.get(0) != null;
	}

	private String offset() {
		return Long.toString(this.timeOffsetMillis);
	}

	private static String text(@Nullable String value) {
		return (value != null) ? value : "";
	}

	private static @Nullable String nullable(Object value) {
		String text = (String) value;
		return text.isEmpty() ? null : text;
	}

	private static Instant instant(Object value) {
		return Instant.ofEpochMilli(Long.parseLong((String) value));
	}

	private static LockRecord lockRecord(String key, List<?> reply) {
		return new LockRecord(key, instant(reply.get(1)), instant(reply.get(2)), nullable(reply.get(3)),
				instant(reply.get(4)));
	}

	/**
	 * Reply layout: outcome, state, lease_id, version, first_seen_at, expires_at,
	 * done_at, result, hash, error, metadata, now.
	 */
	private static LeaseRecord leaseRecord(String key, List<?> reply) {
		String doneAt = nullable(reply.get(6));
		return new LeaseRecord(key, LeaseState.valueOf((String) reply.get(1)), nullable(reply.get(2)),
				Long.parseLong((String) reply.get(3)), instant(reply.get(4)), instant(reply.get(5)),
				(doneAt != null) ? Instant.ofEpochMilli(Long.parseLong(doneAt)) : null, nullable(reply.get(7)),
				nullable(reply.get(8)), nullable(reply.get(9)), nullable(reply.get(10)), instant(reply.get(11)));
	}

	private <T> T run(String what, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (DataAccessException ex) {
			throw new StoreException("The OnceOnly Redis store could not " + what + " (key prefix '" + this.keyPrefix
					+ "'): " + StoreException.describe(ex.getMostSpecificCause()), ex);
		}
	}

}
