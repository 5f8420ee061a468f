-- OnceOnly JDBC store, MariaDB 10.6+ and MySQL 8.0+ (InnoDB). Times are epoch milliseconds of the database clock
-- (UTC_TIMESTAMP(6)).
-- Flyway repeatable migration of the starter for MySQL ({vendor} = mysql; the same statements as
-- tech/onceonly/store/jdbc/schema-mariadb.sql and flyway/mariadb/).
-- It creates the default names onceonly_*; with another onceonly.store.jdbc.table-prefix use your own migration (docs/stores.md).
-- Keys and identifiers are VARBINARY: compared byte for byte (case and trailing spaces count, as on PostgreSQL),
-- where a VARCHAR would compare by its collation. Indexes are declared inside CREATE TABLE (MySQL has no
-- CREATE INDEX IF NOT EXISTS), and their names are local to their table. An InnoDB secondary index ends with the
-- primary key, so run_idx (run_id) serves "WHERE run_id = ? ORDER BY id" (a 3072-byte key leaves no room to name id).

CREATE TABLE IF NOT EXISTS onceonly_locks (
	lock_key      VARBINARY(3072) NOT NULL PRIMARY KEY,
	first_seen_at BIGINT          NOT NULL,
	expires_at    BIGINT          NOT NULL,
	metadata      LONGTEXT,
	INDEX expires_idx (expires_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_leases (
	lease_key     VARBINARY(3072) NOT NULL PRIMARY KEY,
	state         VARCHAR(16)     NOT NULL,
	lease_id      VARBINARY(512),
	version       BIGINT          NOT NULL,
	first_seen_at BIGINT          NOT NULL,
	expires_at    BIGINT          NOT NULL,
	done_at       BIGINT,
	result        LONGTEXT,
	result_hash   VARCHAR(256),
	error_code    VARCHAR(256),
	metadata      LONGTEXT,
	INDEX expires_idx (expires_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

-- Agent governance (JdbcGovernanceStore): policies, kill switch, windowed counters, audit log, tools, run events.

CREATE TABLE IF NOT EXISTS onceonly_gov_policies (
	agent_id   VARBINARY(1024) NOT NULL PRIMARY KEY,
	policy     LONGTEXT        NOT NULL,
	updated_at BIGINT          NOT NULL
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_gov_agents (
	agent_id        VARBINARY(1024) NOT NULL PRIMARY KEY,
	enabled         BOOLEAN         NOT NULL,
	disabled_reason LONGTEXT,
	disabled_at     BIGINT
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_gov_counters (
	agent_id      VARBINARY(1024) NOT NULL,
	counter_key   VARBINARY(1600) NOT NULL,
	counter_value BIGINT          NOT NULL,
	expires_at    BIGINT          NOT NULL,
	PRIMARY KEY (agent_id, counter_key),
	INDEX expires_idx (expires_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_gov_audit (
	id            BIGINT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
	ts            BIGINT          NOT NULL,
	agent_id      VARBINARY(1024) NOT NULL,
	tool          VARBINARY(1024) NOT NULL,
	decision      VARCHAR(16)     NOT NULL,
	policy_reason VARCHAR(64)     NOT NULL,
	risk_level    VARCHAR(16),
	args_hash     VARCHAR(64),
	spend_micros  BIGINT          NOT NULL,
	run_id        VARBINARY(4096),
	INDEX agent_idx (agent_id, ts),
	INDEX ts_idx (ts)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_gov_tools (
	scope_id    VARBINARY(1080) NOT NULL,
	name        VARBINARY(1024) NOT NULL,
	url         LONGTEXT        NOT NULL,
	auth_type   VARCHAR(32)     NOT NULL,
	secret      LONGTEXT        NOT NULL,
	timeout_ms  INTEGER         NOT NULL,
	max_retries INTEGER         NOT NULL,
	enabled     BOOLEAN         NOT NULL,
	description VARCHAR(512),
	risk_level  VARCHAR(16),
	created_at  BIGINT          NOT NULL,
	updated_at  BIGINT          NOT NULL,
	PRIMARY KEY (scope_id, name)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;

CREATE TABLE IF NOT EXISTS onceonly_gov_events (
	id     BIGINT          NOT NULL AUTO_INCREMENT PRIMARY KEY,
	run_id VARBINARY(3072) NOT NULL,
	ts     BIGINT          NOT NULL,
	event  LONGTEXT        NOT NULL,
	INDEX run_idx (run_id),
	INDEX ts_idx (ts)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4;
