-- OnceOnly JDBC store, H2. Times are epoch milliseconds of the database clock (CURRENT_TIMESTAMP).
-- The table prefix "onceonly_" is replaced by onceonly.store.jdbc.table-prefix when the starter runs this script.

CREATE TABLE IF NOT EXISTS onceonly_locks (
	lock_key      VARCHAR(1024) NOT NULL PRIMARY KEY,
	first_seen_at BIGINT        NOT NULL,
	expires_at    BIGINT        NOT NULL,
	metadata      CHARACTER VARYING
);

CREATE INDEX IF NOT EXISTS onceonly_locks_expires_idx ON onceonly_locks (expires_at);

CREATE TABLE IF NOT EXISTS onceonly_leases (
	lease_key     VARCHAR(1024) NOT NULL PRIMARY KEY,
	state         VARCHAR(16)   NOT NULL,
	lease_id      VARCHAR(128),
	version       BIGINT        NOT NULL,
	first_seen_at BIGINT        NOT NULL,
	expires_at    BIGINT        NOT NULL,
	done_at       BIGINT,
	result        CHARACTER VARYING,
	result_hash   VARCHAR(256),
	error_code    VARCHAR(256),
	metadata      CHARACTER VARYING
);

CREATE INDEX IF NOT EXISTS onceonly_leases_expires_idx ON onceonly_leases (expires_at);
