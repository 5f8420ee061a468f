package tech.onceonly.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.ClassUtils;

import tech.onceonly.store.LeaseRecord;
import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LeaseState;
import tech.onceonly.store.LockRecord;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.StoreException;

/**
 * A store in Redis shared by every JVM that uses the same Redis and key prefix. Every
 * operation that writes is one Lua script (sent by SHA, loaded once), so the decision
 * (expiry, fencing by lease id, terminal states) is made atomically inside Redis against
 * the Redis clock ({@code TIME}); the JVM clock is never consulted.
 * <p>
 * Decisions that write nothing are made without a script where that is safe: on Lettuce
 * connections to one node (standalone or a sentinel-managed master, no read-from-replica)
 * an acquisition of a key this store has seen finished first reads the lease hash and the
 * Redis time in one round trip ({@code HMGET}, then {@code TIME}), and a lease that is
 * finished within retention or held unexpired is answered from that read (a replay costs
 * no script); a key that may be taken, and any key not seen finished, runs the acquire
 * script, which decides atomically (a new key stays one round trip). Reads of a lease, a
 * lock or the clock are plain commands the same way. On a cluster (whose keyless
 * {@code TIME} may come from another node) or another driver every operation is a script.
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
 * <p>
 * On Lettuce connections (standalone, sentinel or cluster) finished leases are also kept
 * in a bounded near cache ({@link RedisNearCacheSettings}, on by default) that answers a
 * replay without a round trip: a finished lease changes in Redis only by an operator
 * delete before its retention ends, and {@link #deleteLease} publishes the key (in the
 * same script as the {@code DEL}) on the channel {@code <prefix>deleted-leases}, which
 * every store on the prefix subscribes to. {@link #close()} ends that subscription.
 */
public final class RedisStore implements OnceOnlyStore, AutoCloseable {

	/** The default prefix of every Redis key the store writes. */
	public static final String DEFAULT_KEY_PREFIX = "onceonly:";

	private static final long EXPIRED_HOLDER_GRACE_MILLIS = Duration.ofMinutes(10).toMillis();

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			RedisStore.class.getClassLoader());

	/**
	 * Common start of every script: the Redis time in milliseconds plus the offset in
	 * ARGV[1], and a formatter.
	 */
	private static final String PRELUDE = """
			if redis.replicate_commands then redis.replicate_commands() end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
			local function fmt(n) return string.format('%.0f', n) end
			""";

	/** The lease record of a script's answer, for the scripts that answer one. */
	private static final String LEASE_READER = """
			local function lease(k, outcome)
				local f = redis.call('HMGET', k, 'state', 'lease_id', 'version', 'first_seen_at', 'expires_at',
					'done_at', 'result', 'result_hash', 'error_code', 'metadata')
				local r = { outcome }
				for i = 1, 10 do r[i + 1] = f[i] or '' end
				r[12] = fmt(now)
				return r
			end
			""";

	/** The fields of a lease hash, in the order of a script's lease answer. */
	private static final byte[][] LEASE_FIELDS = fields("state", "lease_id", "version", "first_seen_at", "expires_at",
			"done_at", "result", "result_hash", "error_code", "metadata");

	private static final Script NOW = script("return fmt(now)", String.class);

	/**
	 * A lock is one string {@code <first_seen_at>:<expires_at>:<metadata>} set with
	 * {@code PX}. A new key is taken by one {@code SET NX}; only a key that exists is
	 * read (its holder answered, or taken over when its time is up by the store clock).
	 * Answers {@code 1, first_seen_at, expires_at} when taken (the store time is
	 * first_seen_at, the metadata the caller's), else the holder's
	 * {@code 0, first_seen_at, expires_at, metadata, now}.
	 */
	private static final Script TRY_LOCK = script("""
			local ttl = tonumber(ARGV[2])
			local fs, ex = fmt(now), fmt(now + ttl)
			local value = fs .. ':' .. ex .. ':' .. ARGV[3]
			if redis.call('SET', KEYS[1], value, 'NX', 'PX', math.max(1, ttl)) then
				return { '1', fs, ex }
			end
			local v = redis.call('GET', KEYS[1])
			if v then
				local held, ends, meta = string.match(v, '^(%d+):(%d+):(.*)$')
				if ends and tonumber(ends) > now then
					return { '0', held, ends, meta, fs }
				end
			end
			redis.call('SET', KEYS[1], value, 'PX', math.max(1, ttl))
			return { '1', fs, ex }
			""", List.class);

	private static final Script GET_LOCK = script("""
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
	 * replay reads the hash once and writes nothing). An acquisition answers
	 * {@code ACQUIRED, version, first_seen_at, now} (the rest is what the caller sent);
	 * the hash is deleted first only when an earlier lease left fields behind.
	 */
	private static final Script ACQUIRE = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id', 'version', 'first_seen_at', 'expires_at',
				'done_at', 'result', 'result_hash', 'error_code', 'metadata')
			local version = 1
			local first = now
			if f[1] then
				local expires = tonumber(f[5])
				local outcome = nil
				if f[1] == 'COMPLETED' or f[1] == 'FAILED' then
					if expires > now then outcome = f[1] end
				elseif f[1] == 'HELD' and expires > now then
					outcome = 'HELD_BY_OTHER'
				else
					version = tonumber(f[3]) + 1
					first = tonumber(f[4])
				end
				if outcome then
					local r = { outcome }
					for i = 1, 10 do r[i + 1] = f[i] or '' end
					r[12] = fmt(now)
					return r
				end
				redis.call('DEL', KEYS[1])
			end
			local ttl = tonumber(ARGV[2])
			redis.call('HSET', KEYS[1], 'state', 'HELD', 'lease_id', ARGV[3], 'version', fmt(version),
				'first_seen_at', fmt(first), 'expires_at', fmt(now + ttl), 'metadata', ARGV[4])
			redis.call('PEXPIRE', KEYS[1], math.max(1, ttl + tonumber(ARGV[5])))
			return { 'ACQUIRED', fmt(version), fmt(first), fmt(now) }
			""", List.class);

	private static final Script EXTEND = script(LEASE_READER, """
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return {} end
			local ttl = tonumber(ARGV[3])
			redis.call('HSET', KEYS[1], 'expires_at', fmt(now + ttl))
			redis.call('PEXPIRE', KEYS[1], math.max(1, ttl + tonumber(ARGV[4])))
			return lease(KEYS[1], 'EXTENDED')
			""", List.class);

	/**
	 * Answers {@code done_at, version, first_seen_at, metadata} when {@code ARGV[2]} held
	 * the key (the near cache keeps the finished lease without reading it back), else an
	 * empty array.
	 */
	private static final Script FINISH = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id', 'version', 'first_seen_at', 'metadata')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return {} end
			local retention = tonumber(ARGV[4])
			redis.call('HSET', KEYS[1], 'state', ARGV[3], 'lease_id', '', 'expires_at', fmt(now + retention),
				'done_at', fmt(now), 'result', ARGV[5], 'result_hash', ARGV[6], 'error_code', ARGV[7])
			redis.call('PEXPIRE', KEYS[1], math.max(1, retention))
			return { fmt(now), f[3] or '1', f[4] or fmt(now), f[5] or '' }
			""", List.class);

	/**
	 * Deletes the lease hash and publishes its key on {@code ARGV[2]} in one step, so no
	 * near cache keeps a deleted lease once the delete is done (unless its subscription
	 * is down, which clears it).
	 */
	private static final Script DELETE = script("""
			local n = redis.call('DEL', KEYS[1])
			redis.call('PUBLISH', ARGV[2], ARGV[3])
			return n
			""", Long.class);

	private static final Script CANCEL = script("""
			local f = redis.call('HMGET', KEYS[1], 'state', 'lease_id')
			if f[1] ~= 'HELD' or f[2] ~= ARGV[2] then return 0 end
			redis.call('HSET', KEYS[1], 'state', 'RELEASED', 'lease_id', '', 'expires_at', fmt(now))
			redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[3])))
			return 1
			""", Long.class);

	private static final Script GET_LEASE = script(LEASE_READER, """
			local f = redis.call('HMGET', KEYS[1], 'state', 'expires_at')
			if not f[1] then return {} end
			if (f[1] == 'COMPLETED' or f[1] == 'FAILED') and tonumber(f[2]) <= now then return {} end
			return lease(KEYS[1], 'READ')
			""", List.class);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	/**
	 * Lettuce's commands straight, when the connections are Lettuce's (not a cluster's);
	 * else the template.
	 */
	private final @Nullable LettuceCalls lettuce;

	private volatile long timeOffsetMillis;

	/** Keys this store saw finished: where an acquisition starts, never its answer. */
	private final SeenFinished finished = new SeenFinished();

	/** The near cache of finished leases, or {@code null} when off. */
	private final @Nullable RedisNearCache nearCache;

	/** Its invalidation subscription (set exactly when {@link #nearCache} is). */
	private final @Nullable RedisNearCacheInvalidations invalidations;

	/** The near cache's bounds as used ({@link RedisNearCacheSettings#OFF} when off). */
	private final RedisNearCacheSettings nearCacheSettings;

	/** The pub/sub channel that deletes are published on. */
	private final String deletedChannel;

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
		this(redis, keyPrefix, RedisNearCacheSettings.DEFAULTS);
	}

	/**
	 * A store on {@code connectionFactory} with a near cache as {@code nearCache} says.
	 * @param connectionFactory the Redis connections (standalone, sentinel or cluster)
	 * @param keyPrefix the prefix of every key written; must not contain braces
	 * @param nearCache the bounds of the near cache of finished leases (used only on
	 * Lettuce connections, whose pub/sub it needs)
	 */
	public RedisStore(RedisConnectionFactory connectionFactory, String keyPrefix, RedisNearCacheSettings nearCache) {
		this(new StringRedisTemplate(Objects.requireNonNull(connectionFactory, "connectionFactory")), keyPrefix,
				nearCache);
	}

	/**
	 * A store on {@code redis} with a near cache as {@code nearCache} says.
	 * @param redis a template with string serializers for keys, values and script results
	 * @param keyPrefix the prefix of every key written; must not contain braces
	 * @param nearCache the bounds of the near cache of finished leases (used only on
	 * Lettuce connections, whose pub/sub it needs)
	 */
	public RedisStore(StringRedisTemplate redis, String keyPrefix, RedisNearCacheSettings nearCache) {
		this(redis, keyPrefix, nearCache, System::nanoTime);
	}

	/**
	 * A store whose near cache reads its age on {@code nanoTime} (tests move it instead
	 * of sleeping).
	 */
	RedisStore(StringRedisTemplate redis, String keyPrefix, RedisNearCacheSettings nearCache, LongSupplier nanoTime) {
		this.redis = Objects.requireNonNull(redis, "redis");
		Objects.requireNonNull(nearCache, "nearCache");
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"Invalid OnceOnly Redis key prefix '" + keyPrefix + "': braces would change the hash tag");
		}
		this.keyPrefix = keyPrefix;
		this.deletedChannel = keyPrefix + "deleted-leases";
		this.lettuce = LETTUCE_PRESENT ? LettuceCalls.of(redis.getConnectionFactory()) : null;
		if (nearCache.enabled() && LETTUCE_PRESENT
				&& redis.getConnectionFactory() instanceof LettuceConnectionFactory lettuceFactory) {
			RedisNearCache cache = new RedisNearCache(nearCache, nanoTime);
			this.nearCache = cache;
			this.invalidations = new RedisNearCacheInvalidations(lettuceFactory, this.deletedChannel, cache);
			this.invalidations.ensureStarted();
			this.nearCacheSettings = nearCache;
		}
		else {
			this.nearCache = null;
			this.invalidations = null;
			this.nearCacheSettings = RedisNearCacheSettings.OFF;
		}
	}

	private static Script script(String body, Class<?> resultType) {
		return script("", body, resultType);
	}

	private static Script script(String helpers, String body, Class<?> resultType) {
		DefaultRedisScript<?> script = new DefaultRedisScript<>(PRELUDE + helpers + body, resultType);
		return new Script(script, script.getSha1(), script.getScriptAsString().getBytes(StandardCharsets.UTF_8),
				resultType);
	}

	private static byte[][] fields(String... names) {
		byte[][] fields = new byte[names.length][];
		for (int i = 0; i < names.length; i++) {
			fields[i] = names[i].getBytes(StandardCharsets.UTF_8);
		}
		return fields;
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
		LettuceCalls reader = reader();
		if (reader != null) {
			long time = run("read the clock", reader::time);
			return Instant.ofEpochMilli(time + this.timeOffsetMillis);
		}
		String now = (String) run("read the clock", () -> eval(NOW, this.keyPrefix + "{clock}", offset()));
		return Instant.ofEpochMilli(Long.parseLong(Objects.requireNonNull(now)));
	}

	@Override
	public LockResult tryLock(String key, Duration ttl, @Nullable String metadataJson) {
		String metadata = text(metadataJson);
		List<?> reply = (List<?>) run("take the lock",
				() -> eval(TRY_LOCK, lockKey(key), offset(), Long.toString(ttl.toMillis()), metadata));
		if (reply.size() == 3) {
			// taken: the store time is the new first_seen_at, the metadata the caller's
			Instant now = instant(reply.get(1));
			return new LockResult(true, new LockRecord(key, now, instant(reply.get(2)), nullable(metadata), now));
		}
		return new LockResult("1".equals(reply.get(0)), lockRecord(key, reply));
	}

	@Override
	public @Nullable LockRecord getLock(String key) {
		LettuceCalls reader = reader();
		if (reader != null) {
			LettuceCalls.Read read = run("read the lock", () -> reader.string(lockKey(key)));
			return liveLock(key, read.values()[0], read.millis() + this.timeOffsetMillis);
		}
		List<?> reply = (List<?>) run("read the lock", () -> eval(GET_LOCK, lockKey(key), offset()));
		return present(reply) ? lockRecord(key, reply) : null;
	}

	/**
	 * The lock of a {@code GET} value at store time {@code now}, or {@code null} when
	 * absent, unreadable or expired (as the lock scripts judge it).
	 */
	private static @Nullable LockRecord liveLock(String key, @Nullable String value, long now) {
		if (value == null) {
			return null;
		}
		int first = value.indexOf(':');
		int second = (first > 0) ? value.indexOf(':', first + 1) : -1;
		if (second <= first + 1 || !digits(value, 0, first) || !digits(value, first + 1, second)) {
			return null;
		}
		long expiresAt = Long.parseLong(value, first + 1, second, 10);
		if (expiresAt <= now) {
			return null;
		}
		return new LockRecord(key, Instant.ofEpochMilli(Long.parseLong(value, 0, first, 10)),
				Instant.ofEpochMilli(expiresAt), nullable(value.substring(second + 1)), Instant.ofEpochMilli(now));
	}

	private static boolean digits(String text, int from, int to) {
		if (to - from < 1 || to - from > 18) {
			return false;
		}
		for (int i = from; i < to; i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean releaseLock(String key) {
		return Boolean.TRUE.equals(run("release the lock", () -> this.redis.delete(lockKey(key))));
	}

	@Override
	public LeaseResult acquireLease(String key, Duration ttl, String newLeaseId, @Nullable String metadataJson) {
		RedisNearCache cache = this.nearCache;
		long offset = this.timeOffsetMillis;
		long generation = 0;
		long sent = 0;
		if (cache != null) {
			LeaseRecord copy = cache.get(key, offset);
			if (copy != null) {
				return new LeaseResult(outcome(copy.state().name()), copy);
			}
			generation = cache.generation(key);
			sent = cache.nanoTime();
		}
		LettuceCalls reader = reader();
		if (reader != null && this.finished.seen(key)) {
			// a key seen finished is most likely replayed: answered from plain reads when
			// it is still finished (or held), else the script decides atomically
			LettuceCalls.Read read = run("acquire the lease", () -> reader.hash(leaseKey(key), LEASE_FIELDS));
			LeaseResult answered = answered(key, read);
			if (answered != null) {
				remember(answered.record(), sent, offset, generation);
				return answered;
			}
			this.finished.forget(key);
		}
		String metadata = text(metadataJson);
		List<?> reply = (List<?>) run("acquire the lease", () -> eval(ACQUIRE, leaseKey(key), offset(),
				Long.toString(ttl.toMillis()), newLeaseId, metadata, Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
		String outcome = (String) reply.get(0);
		if (outcome.equals("ACQUIRED")) {
			forgetCopy(key);
			Instant now = instant(reply.get(3));
			return new LeaseResult(LeaseResult.Outcome.ACQUIRED,
					new LeaseRecord(key, LeaseState.HELD, newLeaseId, Long.parseLong((String) reply.get(1)),
							instant(reply.get(2)), now.plusMillis(ttl.toMillis()), null, null, null, null,
							nullable(metadata), now));
		}
		LeaseResult result = new LeaseResult(outcome(outcome), leaseRecord(key, reply));
		if (reader != null && result.record().state().isTerminal()) {
			this.finished.saw(key);
		}
		remember(result.record(), sent, offset, generation);
		return result;
	}

	private static LeaseResult.Outcome outcome(String outcome) {
		return switch (outcome) {
			case "ACQUIRED" -> LeaseResult.Outcome.ACQUIRED;
			case "COMPLETED" -> LeaseResult.Outcome.COMPLETED;
			case "FAILED" -> LeaseResult.Outcome.FAILED;
			default -> LeaseResult.Outcome.HELD_BY_OTHER;
		};
	}

	/**
	 * The answer of an acquisition that a read decides without writing, as the acquire
	 * script would: a terminal lease within retention, or a lease held unexpired by
	 * someone. {@code null} when the key may be taken (absent, released, expired, or
	 * unreadable — the script then decides). The Redis time is read after the hash, so
	 * "still live" is true at the moment of the read.
	 */
	private @Nullable LeaseResult answered(String key, LettuceCalls.Read read) {
		@Nullable String[] f = read.values();
		String state = f[0];
		String expires = f[4];
		if (state == null || expires == null || !digits(expires, 0, expires.length())) {
			return null;
		}
		long now = read.millis() + this.timeOffsetMillis;
		if (Long.parseLong(expires) <= now) {
			return null;
		}
		String outcome = switch (state) {
			case "COMPLETED", "FAILED" -> state;
			case "HELD" -> "HELD_BY_OTHER";
			default -> null;
		};
		if (outcome == null) {
			return null;
		}
		try {
			return new LeaseResult(outcome(outcome), leaseRecord(key, readReply(outcome, f, now)));
		}
		catch (IllegalArgumentException unreadable) {
			// not a lease this store wrote: the script reports it as it always has
			return null;
		}
	}

	/** A read hash in the layout of a script's lease answer. */
	private static List<String> readReply(String outcome, @Nullable String[] fields, long now) {
		List<String> reply = new ArrayList<>(12);
		reply.add(outcome);
		for (String field : fields) {
			reply.add((field != null) ? field : "");
		}
		reply.add(Long.toString(now));
		return reply;
	}

	@Override
	public @Nullable LeaseRecord extendLease(String key, String leaseId, Duration ttl) {
		List<?> reply = (List<?>) run("extend the lease", () -> eval(EXTEND, leaseKey(key), offset(), leaseId,
				Long.toString(ttl.toMillis()), Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
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
		RedisNearCache cache = this.nearCache;
		long offset = this.timeOffsetMillis;
		long generation = (cache != null) ? cache.generation(key) : 0;
		long sent = (cache != null) ? cache.nanoTime() : 0;
		List<?> reply = (List<?>) run(what,
				() -> eval(FINISH, leaseKey(key), Long.toString(offset), leaseId, state.name(),
						Long.toString(retention.toMillis()), text(resultJson), text(resultHash), text(errorCode)));
		if (!present(reply)) {
			return null;
		}
		if (reader() != null) {
			this.finished.saw(key);
		}
		Instant doneAt = instant(reply.get(0));
		if (cache != null) {
			// what this store just wrote, as a read of the hash would answer it
			remember(
					new LeaseRecord(key, state, null, Long.parseLong((String) reply.get(1)), instant(reply.get(2)),
							doneAt.plusMillis(retention.toMillis()), doneAt, nullable(text(resultJson)),
							nullable(text(resultHash)), nullable(text(errorCode)), nullable(reply.get(3)), doneAt),
					sent, offset, generation);
		}
		return doneAt;
	}

	/**
	 * Keeps a finished lease in the near cache (when on), starting its subscription on
	 * first use.
	 */
	private void remember(LeaseRecord record, long sent, long offset, long generation) {
		RedisNearCache cache = this.nearCache;
		RedisNearCacheInvalidations invalidations = this.invalidations;
		if (cache == null || invalidations == null) {
			return;
		}
		if (!record.state().isTerminal()) {
			// Redis says the key is not finished (deleted and taken again): a copy, or a
			// fill in flight read before that, is stale for this store from now on
			cache.invalidate(record.key());
			return;
		}
		if (!cache.isLive()) {
			invalidations.ensureStarted();
			return;
		}
		cache.fill(record, sent, offset, generation);
	}

	@Override
	public boolean cancelLease(String key, String leaseId) {
		Long cancelled = (Long) run("cancel the lease",
				() -> eval(CANCEL, leaseKey(key), offset(), leaseId, Long.toString(EXPIRED_HOLDER_GRACE_MILLIS)));
		return cancelled != null && cancelled == 1L;
	}

	@Override
	public @Nullable LeaseRecord getLease(String key) {
		RedisNearCache cache = this.nearCache;
		long offset = this.timeOffsetMillis;
		long generation = 0;
		long sent = 0;
		if (cache != null) {
			LeaseRecord copy = cache.get(key, offset);
			if (copy != null) {
				return copy;
			}
			generation = cache.generation(key);
			sent = cache.nanoTime();
		}
		LettuceCalls reader = reader();
		if (reader != null) {
			LettuceCalls.Read read = run("read the lease", () -> reader.hash(leaseKey(key), LEASE_FIELDS));
			@Nullable String[] f = read.values();
			String state = f[0];
			if (state == null) {
				forgetCopy(key);
				return null;
			}
			String expires = f[4];
			if (expires != null && digits(expires, 0, expires.length())) {
				try {
					long now = read.millis() + offset;
					if (LeaseState.valueOf(state).isTerminal() && Long.parseLong(expires) <= now) {
						forgetCopy(key);
						return null;
					}
					LeaseRecord record = leaseRecord(key, readReply("READ", f, now));
					remember(record, sent, offset, generation);
					return record;
				}
				catch (IllegalArgumentException unreadable) {
					// not a lease this store wrote: the script reports it as it always
					// has
				}
			}
		}
		List<?> reply = (List<?>) run("read the lease", () -> eval(GET_LEASE, leaseKey(key), Long.toString(offset)));
		if (!present(reply)) {
			forgetCopy(key);
			return null;
		}
		LeaseRecord record = leaseRecord(key, reply);
		remember(record, sent, offset, generation);
		return record;
	}

	/**
	 * Deletes the lease and, in the same script, publishes {@code key} to every near
	 * cache on this key prefix (this store's own copy is dropped before and after).
	 */
	@Override
	public boolean deleteLease(String key) {
		this.finished.forget(key);
		RedisNearCache cache = this.nearCache;
		if (cache != null) {
			cache.invalidate(key);
		}
		try {
			Long deleted = (Long) run("delete the lease",
					() -> eval(DELETE, leaseKey(key), offset(), this.deletedChannel, key));
			return deleted != null && deleted > 0;
		}
		finally {
			if (cache != null) {
				cache.invalidate(key);
			}
		}
	}

	/** Drops this store's copy of {@code key}, which Redis no longer holds finished. */
	private void forgetCopy(String key) {
		RedisNearCache cache = this.nearCache;
		if (cache != null) {
			cache.invalidate(key);
		}
	}

	/**
	 * Ends the near cache's invalidation subscription (the cache is then off). The store
	 * itself needs no closing otherwise.
	 */
	@Override
	public void close() {
		RedisNearCacheInvalidations invalidations = this.invalidations;
		if (invalidations != null) {
			invalidations.close();
		}
	}

	/**
	 * The near cache (package-private for tests), or {@code null} when off.
	 */
	@Nullable RedisNearCache nearCache() {
		return this.nearCache;
	}

	/**
	 * The near cache's bounds as this store uses them: {@link RedisNearCacheSettings#OFF}
	 * when it was turned off or the connections are not Lettuce's.
	 */
	public RedisNearCacheSettings nearCacheSettings() {
		return this.nearCacheSettings;
	}

	/** Replays and reads answered by the near cache so far (0 when it is off). */
	public long nearCacheHits() {
		RedisNearCache cache = this.nearCache;
		return (cache != null) ? cache.hits() : 0;
	}

	/** Look-ups the near cache could not answer so far (0 when it is off). */
	public long nearCacheMisses() {
		RedisNearCache cache = this.nearCache;
		return (cache != null) ? cache.misses() : 0;
	}

	/**
	 * The calls that may answer with script-free reads (Lettuce on one node's master).
	 */
	private @Nullable LettuceCalls reader() {
		LettuceCalls lettuce = this.lettuce;
		return (lettuce != null && lettuce.reads()) ? lettuce : null;
	}

	/**
	 * Runs {@code script} on {@code key}: through Lettuce's commands when the connections
	 * are Lettuce's, else through the template.
	 */
	private @Nullable Object eval(Script script, String key, String... args) {
		LettuceCalls lettuce = this.lettuce;
		if (lettuce != null) {
			return lettuce.eval(script, key, args);
		}
		return this.redis.execute(script.spring(), List.of(key), (Object[]) args);
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

	/**
	 * A script with its SHA-1 and text, computed once.
	 *
	 * @param spring the script for the template
	 * @param sha1 its SHA-1 (hex)
	 * @param body its text
	 * @param resultType {@code List}, {@code String} or {@code Long}
	 */
	record Script(RedisScript<?> spring, String sha1, byte[] body, Class<?> resultType) {

	}

	/**
	 * A bounded, lossy set of keys this store saw completed or failed (it finished them,
	 * or an acquisition found them so): an acquisition of such a key is most likely a
	 * replay, so it starts with the plain read, which answers it without a script; any
	 * other key starts with the acquire script, which takes a new key in one round trip.
	 * One slot per hash of the key; a collision only sends a replay through the script.
	 * It decides where to start, never what to answer.
	 */
	private static final class SeenFinished {

		private static final int SLOTS = 4096;

		private final AtomicReferenceArray<String> keys = new AtomicReferenceArray<>(SLOTS);

		private static int slot(String key) {
			int hash = key.hashCode();
			return (hash ^ (hash >>> 16)) & (SLOTS - 1);
		}

		boolean seen(String key) {
			return key.equals(this.keys.get(slot(key)));
		}

		void saw(String key) {
			this.keys.set(slot(key), key);
		}

		void forget(String key) {
			this.keys.compareAndSet(slot(key), key, null);
		}

	}

}
