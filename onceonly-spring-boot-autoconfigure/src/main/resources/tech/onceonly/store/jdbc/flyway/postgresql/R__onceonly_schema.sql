-- OnceOnly JDBC store, PostgreSQL. Times are epoch milliseconds of the database clock (clock_timestamp()).
-- Flyway repeatable migration of the starter (the same statements as tech/onceonly/store/jdbc/schema-postgresql.sql).
-- It creates the default names onceonly_*; with another onceonly.store.jdbc.table-prefix use your own migration (docs/stores.md).

CREATE TABLE IF NOT EXISTS onceonly_locks (
	lock_key      VARCHAR(1024) NOT NULL PRIMARY KEY,
	first_seen_at BIGINT        NOT NULL,
	expires_at    BIGINT        NOT NULL,
	metadata      TEXT
);

CREATE TABLE IF NOT EXISTS onceonly_leases (
	lease_key     VARCHAR(1024) NOT NULL PRIMARY KEY,
	state         VARCHAR(16)   NOT NULL,
	lease_id      VARCHAR(128),
	version       BIGINT        NOT NULL,
	first_seen_at BIGINT        NOT NULL,
	expires_at    BIGINT        NOT NULL,
	done_at       BIGINT,
	result        TEXT,
	result_hash   VARCHAR(256),
	error_code    VARCHAR(256),
	metadata      TEXT
) WITH (fillfactor = 85);

-- No index on expires_at: a completion, a heartbeat and a cancel change only columns no index covers, so they are
-- HOT updates (no new index entry), and a new key maintains one index. The purge walks the tables in ranges of pages
-- instead. The fill factor leaves room on a lease's page for its completed version (the row grows by the result).
-- Installs made by earlier versions of the starter: drop the indexes they created and set the fill factor (it
-- applies to pages filled from now on). All three are harmless when already applied.
DROP INDEX IF EXISTS onceonly_locks_expires_idx;

DROP INDEX IF EXISTS onceonly_leases_expires_idx;

ALTER TABLE onceonly_leases SET (fillfactor = 85);

-- Agent governance (JdbcGovernanceStore): policies, kill switch, windowed counters, audit log, tools, run events.

CREATE TABLE IF NOT EXISTS onceonly_gov_policies (
	agent_id   VARCHAR(256) NOT NULL PRIMARY KEY,
	policy     TEXT         NOT NULL,
	updated_at BIGINT       NOT NULL
);

CREATE TABLE IF NOT EXISTS onceonly_gov_agents (
	agent_id        VARCHAR(256) NOT NULL PRIMARY KEY,
	enabled         BOOLEAN      NOT NULL,
	disabled_reason TEXT,
	disabled_at     BIGINT
);

CREATE TABLE IF NOT EXISTS onceonly_gov_counters (
	agent_id      VARCHAR(256) NOT NULL,
	counter_key   VARCHAR(400) NOT NULL,
	counter_value BIGINT       NOT NULL,
	expires_at    BIGINT       NOT NULL,
	PRIMARY KEY (agent_id, counter_key)
);

CREATE INDEX IF NOT EXISTS onceonly_gov_counters_expires_idx ON onceonly_gov_counters (expires_at);

CREATE TABLE IF NOT EXISTS onceonly_gov_audit (
	id            BIGSERIAL    PRIMARY KEY,
	ts            BIGINT       NOT NULL,
	agent_id      VARCHAR(256) NOT NULL,
	tool          VARCHAR(256) NOT NULL,
	decision      VARCHAR(16)  NOT NULL,
	policy_reason VARCHAR(64)  NOT NULL,
	risk_level    VARCHAR(16),
	args_hash     VARCHAR(64),
	spend_micros  BIGINT       NOT NULL,
	run_id        VARCHAR(1024)
);

CREATE INDEX IF NOT EXISTS onceonly_gov_audit_agent_idx ON onceonly_gov_audit (agent_id, ts);

CREATE INDEX IF NOT EXISTS onceonly_gov_audit_ts_idx ON onceonly_gov_audit (ts);

CREATE TABLE IF NOT EXISTS onceonly_gov_tools (
	scope_id    VARCHAR(270) NOT NULL,
	name        VARCHAR(256) NOT NULL,
	url         TEXT         NOT NULL,
	auth_type   VARCHAR(32)  NOT NULL,
	secret      TEXT         NOT NULL,
	timeout_ms  INTEGER      NOT NULL,
	max_retries INTEGER      NOT NULL,
	enabled     BOOLEAN      NOT NULL,
	description VARCHAR(512),
	risk_level  VARCHAR(16),
	created_at  BIGINT       NOT NULL,
	updated_at  BIGINT       NOT NULL,
	PRIMARY KEY (scope_id, name)
);

CREATE TABLE IF NOT EXISTS onceonly_gov_events (
	id     BIGSERIAL     PRIMARY KEY,
	run_id VARCHAR(1024) NOT NULL,
	ts     BIGINT        NOT NULL,
	event  TEXT          NOT NULL
);

CREATE INDEX IF NOT EXISTS onceonly_gov_events_run_idx ON onceonly_gov_events (run_id, id);

CREATE INDEX IF NOT EXISTS onceonly_gov_events_ts_idx ON onceonly_gov_events (ts);
