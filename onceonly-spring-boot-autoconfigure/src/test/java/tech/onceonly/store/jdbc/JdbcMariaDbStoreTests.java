package tech.onceonly.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tech.onceonly.store.LeaseResult;
import tech.onceonly.store.LockResult;
import tech.onceonly.store.OnceOnlyStore;
import tech.onceonly.store.TestServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract and fuzz on a real MariaDB ({@code ONCEONLY_TEST_MARIADB_URL}, its
 * default REPEATABLE READ isolation), in tables of its own, plus what only MariaDB's
 * dialect needs showing: duplicates that neither lock nor write, and keys compared byte
 * for byte.
 */
class JdbcMariaDbStoreTests extends AbstractJdbcStoreTests {

	static final String PREFIX = "md_store_";

	private static HikariDataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = MariaDbTestDataSources.create(16);
		new JdbcStore(dataSource, PREFIX, null).initializeSchema();
	}

	@AfterAll
	static void disconnect() {
		if (dataSource != null) {
			dataSource.close();
		}
	}

	@Override
	protected OnceOnlyStore createStore() {
		return new JdbcStore(dataSource, PREFIX, null);
	}

	@Test
	void platformShouldBeDetected() throws Exception {
		assertThat(((JdbcStore) this.store).platform()).isEqualTo(JdbcStore.Platform.MARIADB);
		assertThat(TestServices.mariadbUrl()).startsWith("jdbc:mariadb:");
		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.getTransactionIsolation()).as("InnoDB's default, the harder case")
				.isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
		}
	}

	@Test
	void duplicatesOfAFinishedKeyAHeldLeaseAndALiveLockShouldNeitherLockNorWriteTheirRows() throws Exception {
		String done = key("done");
		String id = UUID.randomUUID().toString();
		this.store.acquireLease(done, TTL, id, null);
		this.store.completeLease(done, id, "{\"n\":1}", "h", RETENTION);
		String held = key("held");
		this.store.acquireLease(held, TTL, UUID.randomUUID().toString(), null);
		String lock = key("lock");
		this.store.tryLock(lock, TTL, null);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		// another transaction holds the exclusive lock of all three rows: a duplicate
		// that
		// tried to lock or write a row would wait for it (50 s), one that only reads does
		// not
		try (Connection holder = dataSource.getConnection()) {
			holder.setAutoCommit(false);
			lockRow(holder, PREFIX + "leases", "lease_key", done);
			lockRow(holder, PREFIX + "leases", "lease_key", held);
			lockRow(holder, PREFIX + "locks", "lock_key", lock);
			Future<LeaseResult> replay = pool
				.submit(() -> this.store.acquireLease(done, TTL, UUID.randomUUID().toString(), null));
			assertThat(replay.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(LeaseResult.Outcome.COMPLETED);
			assertThat(replay.get().record().resultJson()).isEqualTo("{\"n\":1}");
			Future<LeaseResult> second = pool
				.submit(() -> this.store.acquireLease(held, TTL, UUID.randomUUID().toString(), null));
			assertThat(second.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(LeaseResult.Outcome.HELD_BY_OTHER);
			Future<LockResult> locked = pool.submit(() -> this.store.tryLock(lock, TTL, null));
			assertThat(locked.get(10, TimeUnit.SECONDS).acquired()).isFalse();
			holder.rollback();
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void lockRow(Connection connection, String table, String column, String key) throws Exception {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + column + " FROM " + table + " WHERE " + column + " = ? FOR UPDATE")) {
			statement.setString(1, key);
			try (var rows = statement.executeQuery()) {
				assertThat(rows.next()).as("row of %s", key).isTrue();
			}
		}
	}

	@Test
	void keysThatDifferOnlyInCaseOrTrailingSpacesShouldBeDifferentKeys() {
		String key = key("Key");
		assertThat(this.store.tryLock(key, TTL, null).acquired()).isTrue();
		assertThat(this.store.tryLock(key.toLowerCase(java.util.Locale.ROOT), TTL, null).acquired()).isTrue();
		assertThat(this.store.tryLock(key + " ", TTL, null).acquired()).isTrue();
		String leaseId = UUID.randomUUID().toString();
		assertThat(this.store.acquireLease(key, TTL, leaseId, null).outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(this.store.acquireLease(key + " ", TTL, UUID.randomUUID().toString(), null).outcome())
			.isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(this.store.getLease(key).leaseId()).isEqualTo(leaseId);
		assertThat(this.store.extendLease(key, leaseId.toUpperCase(java.util.Locale.ROOT), TTL))
			.as("a lease id is a fencing token compared exactly")
			.isNull();
	}

	@Test
	void longKeysOfFourByteCharactersShouldBeStoredWhole() {
		String emoji = "\uD83D\uDE00";
		String key = key("") + emoji.repeat(256);
		String leaseId = UUID.randomUUID().toString();
		LeaseResult acquired = this.store.acquireLease(key, TTL, leaseId, "{\"who\":\"" + emoji + "\"}");
		assertThat(acquired.outcome()).isEqualTo(LeaseResult.Outcome.ACQUIRED);
		assertThat(this.store.completeLease(key, leaseId, "{\"r\":\"" + emoji + "\"}", null, RETENTION)).isNotNull();
		assertThat(this.store.getLease(key).key()).isEqualTo(key);
		assertThat(this.store.getLease(key).resultJson()).isEqualTo("{\"r\":\"" + emoji + "\"}");
		assertThat(this.store.getLease(key.substring(0, key.length() - 2))).isNull();
	}

	@Test
	void schemaScriptShouldKeepIndexNamesLocalToTheirTable() {
		assertThat(JdbcStore.schemaScript(JdbcStore.Platform.MARIADB, "app.onceonly_"))
			.contains("CREATE TABLE IF NOT EXISTS app.onceonly_locks", "INDEX expires_idx (expires_at)")
			.doesNotContain("INDEX app.", "INDEX onceonly_");
	}

	@Test
	void completionShouldReadItsTimeBackWhenTheDriverHandsNoGeneratedKey() {
		JdbcStore store = new JdbcStore(withoutGeneratedKeys(dataSource), PREFIX, null);
		String key = key("no-keys");
		String leaseId = UUID.randomUUID().toString();
		store.acquireLease(key, TTL, leaseId, null);
		java.time.Instant doneAt = store.completeLease(key, leaseId, "{}", null, RETENTION);
		assertThat(doneAt).isNotNull().isEqualTo(store.getLease(key).doneAt());
		assertThat(store.completeLease(key, leaseId, "{}", null, RETENTION)).as("fenced: no longer held").isNull();
	}

	/** A view of {@code target} whose statements return no generated keys. */
	private static javax.sql.DataSource withoutGeneratedKeys(javax.sql.DataSource target) {
		return proxy(javax.sql.DataSource.class, target, (method, args, result) -> {
			if (!method.getName().equals("getConnection")) {
				return result;
			}
			return proxy(Connection.class, result, (call, callArgs, statement) -> {
				if (!call.getName().equals("prepareStatement") || !(statement instanceof PreparedStatement)) {
					return statement;
				}
				return proxy(PreparedStatement.class, statement, (use, useArgs, value) -> {
					if (!use.getName().equals("getGeneratedKeys")) {
						return value;
					}
					return proxy(java.sql.ResultSet.class, value,
							(row, rowArgs, answer) -> row.getName().equals("next") ? Boolean.FALSE : answer);
				});
			});
		});
	}

	private interface Answer {

		Object answer(java.lang.reflect.Method method, Object[] args, Object result);

	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, Object target, Answer answer) {
		return (T) java.lang.reflect.Proxy.newProxyInstance(JdbcMariaDbStoreTests.class.getClassLoader(),
				new Class<?>[] { type }, (proxy, method, args) -> {
					Object result;
					try {
						result = method.invoke(target, args);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getTargetException();
					}
					return answer.answer(method, args, result);
				});
	}

	@Test
	void largeResultsShouldRoundTrip() {
		String key = key("large");
		String leaseId = UUID.randomUUID().toString();
		this.store.acquireLease(key, TTL, leaseId, null);
		String result = "{\"blob\":\"" + "x".repeat(200_000) + "\"}";
		assertThat(this.store.completeLease(key, leaseId, result, null, Duration.ofDays(1))).isNotNull();
		assertThat(this.store.acquireLease(key, TTL, UUID.randomUUID().toString(), null).record().resultJson())
			.isEqualTo(result);
	}

}
