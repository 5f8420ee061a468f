#!/usr/bin/env bash
# Test services for the durable stores: PostgreSQL and Redis on 127.0.0.1, as root, without Docker; and spin,
# the model checker that LeaseProtocolModelTests runs on verification/lease.pml in every build.
#
# Usage (source it, then call the functions):
#   source .ci/services.sh
#   onceonly_services_start     # installs when missing, starts both, waits, creates the database, exports the URLs
#   ...run the tests...
#   onceonly_services_stop      # stops both servers by their PIDs
#
# Functions:
#   onceonly_services_install   apt-get install postgresql, redis-server, spin (and gcc, which compiles spin's
#                               verifiers) when their binaries are missing
#   onceonly_postgres_start     initdb (first time) + start PostgreSQL, create the database, export ONCEONLY_TEST_POSTGRES_URL
#   onceonly_redis_start        start redis-server with AOF persistence (as production needs, and as the store's
#                               startup check requires), export ONCEONLY_TEST_REDIS_URL
#   onceonly_mariadb_start      mariadb-install-db (first time) + start mariadbd on 127.0.0.1, create the database
#                               and a user with a password, export ONCEONLY_TEST_MARIADB_URL
#   onceonly_redis_cluster_start  a Redis Cluster of six nodes (three masters, one replica each) with AOF and
#                               noeviction, export ONCEONLY_TEST_REDIS_CLUSTER_NODES
#   onceonly_services_start     all of the above
#   onceonly_postgres_stop / onceonly_redis_stop / onceonly_mariadb_stop / onceonly_redis_cluster_stop /
#   onceonly_services_stop
#
# Settings (environment, with defaults):
#   ONCEONLY_SERVICES_DIR=${WORK_DIR:-/tmp}/onceonly-services   data dirs, sockets, pid and log files
#   ONCEONLY_PG_PORT=5433   ONCEONLY_REDIS_PORT=6390   ONCEONLY_PG_DB=onceonly   ONCEONLY_MARIADB_PORT=3307
#   ONCEONLY_REDIS_CLUSTER_PORT=7101   the first of the six cluster ports (7101..7106)
#
# Exported for the tests (user postgres, no password, trust auth on loopback):
#   ONCEONLY_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5433/onceonly
#   ONCEONLY_TEST_REDIS_URL=redis://127.0.0.1:6390
#   ONCEONLY_TEST_MARIADB_URL=jdbc:mariadb://127.0.0.1:3307/onceonly?user=onceonly&password=onceonly
#     (a test-only server on loopback; the user may create databases, as the schema-prefix tests need)
#   ONCEONLY_TEST_REDIS_CLUSTER_NODES=127.0.0.1:7101,...,127.0.0.1:7106
# The tests fail (not skip) when CI=true and a URL is missing.

# Exported so that tests (the outage tests) can stop and restart the servers through this script.
export ONCEONLY_SERVICES_DIR="${ONCEONLY_SERVICES_DIR:-${WORK_DIR:-/tmp}/onceonly-services}"
export ONCEONLY_PG_PORT="${ONCEONLY_PG_PORT:-5433}"
export ONCEONLY_REDIS_PORT="${ONCEONLY_REDIS_PORT:-6390}"
export ONCEONLY_PG_DB="${ONCEONLY_PG_DB:-onceonly}"
export ONCEONLY_MARIADB_PORT="${ONCEONLY_MARIADB_PORT:-3307}"
export ONCEONLY_REDIS_CLUSTER_PORT="${ONCEONLY_REDIS_CLUSTER_PORT:-7101}"

_onceonly_pg_bin() {
	local dir
	dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
	if [ -z "$dir" ]; then
		echo "onceonly: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
		return 1
	fi
	echo "$dir"
}

onceonly_services_install() {
	local missing=()
	ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	command -v spin >/dev/null 2>&1 || missing+=(spin)
	command -v gcc >/dev/null 2>&1 || missing+=(gcc)
	[ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "onceonly: installing ${missing[*]}"
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || return 1
	fi
}

_onceonly_wait() {
	# _onceonly_wait <what> <seconds> <command...>
	local what="$1" seconds="$2" i
	shift 2
	for ((i = 0; i < seconds * 10; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "onceonly: $what did not answer within ${seconds}s" >&2
	return 1
}

onceonly_postgres_start() {
	local bin data="$ONCEONLY_SERVICES_DIR/pgdata" sock="$ONCEONLY_SERVICES_DIR/pgsock"
	bin="$(_onceonly_pg_bin)" || return 1
	mkdir -p "$ONCEONLY_SERVICES_DIR"
	chmod 755 "$ONCEONLY_SERVICES_DIR"
	if [ ! -f "$data/PG_VERSION" ]; then
		install -d -o postgres -g postgres -m 700 "$data" || return 1
		runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null || return 1
	fi
	install -d -o postgres -g postgres "$sock" || return 1
	if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$sock/postgres.log" -w -t 30 \
			-o "-c listen_addresses=127.0.0.1 -p $ONCEONLY_PG_PORT -k $sock -c fsync=off" start >/dev/null || return 1
	fi
	_onceonly_wait PostgreSQL 30 psql -h 127.0.0.1 -p "$ONCEONLY_PG_PORT" -U postgres -d postgres -c "select 1" || return 1
	if [ "$(psql -h 127.0.0.1 -p "$ONCEONLY_PG_PORT" -U postgres -d postgres -tAc \
		"select 1 from pg_database where datname = '$ONCEONLY_PG_DB'")" != "1" ]; then
		psql -h 127.0.0.1 -p "$ONCEONLY_PG_PORT" -U postgres -d postgres -q -c "create database $ONCEONLY_PG_DB" || return 1
	fi
	export ONCEONLY_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$ONCEONLY_PG_PORT/$ONCEONLY_PG_DB"
	echo "onceonly: PostgreSQL at $ONCEONLY_TEST_POSTGRES_URL"
}

onceonly_postgres_stop() {
	local data="$ONCEONLY_SERVICES_DIR/pgdata" pid
	if [ -f "$data/postmaster.pid" ]; then
		pid="$(head -1 "$data/postmaster.pid")"
		kill -INT "$pid" 2>/dev/null || true
		_onceonly_wait "PostgreSQL shutdown" 30 test ! -e "/proc/$pid"
	fi
}

onceonly_redis_start() {
	local pidfile="$ONCEONLY_SERVICES_DIR/redis.pid"
	mkdir -p "$ONCEONLY_SERVICES_DIR"
	if ! redis-cli -h 127.0.0.1 -p "$ONCEONLY_REDIS_PORT" ping >/dev/null 2>&1; then
		redis-server --daemonize yes --bind 127.0.0.1 --port "$ONCEONLY_REDIS_PORT" --save "" --appendonly yes \
			--appendfsync everysec --maxmemory-policy noeviction \
			--pidfile "$pidfile" --logfile "$ONCEONLY_SERVICES_DIR/redis.log" --dir "$ONCEONLY_SERVICES_DIR" || return 1
	fi
	_onceonly_wait Redis 10 redis-cli -h 127.0.0.1 -p "$ONCEONLY_REDIS_PORT" ping || return 1
	# a server started earlier without persistence: turn AOF on and wait for its first rewrite
	if [ "$(redis-cli -h 127.0.0.1 -p "$ONCEONLY_REDIS_PORT" config get appendonly | tail -1)" != "yes" ]; then
		redis-cli -h 127.0.0.1 -p "$ONCEONLY_REDIS_PORT" config set appendonly yes >/dev/null || return 1
	fi
	_onceonly_wait "Redis AOF" 30 _onceonly_redis_aof_ready || return 1
	export ONCEONLY_TEST_REDIS_URL="redis://127.0.0.1:$ONCEONLY_REDIS_PORT"
	echo "onceonly: Redis at $ONCEONLY_TEST_REDIS_URL"
}

_onceonly_redis_aof_ready() {
	local info
	info="$(redis-cli -h 127.0.0.1 -p "$ONCEONLY_REDIS_PORT" info persistence)" || return 1
	grep -q '^aof_enabled:1' <<<"$info" && grep -q '^aof_rewrite_in_progress:0' <<<"$info" \
		&& ! grep -q '^aof_rewrite_scheduled:1' <<<"$info"
}

onceonly_redis_stop() {
	local pidfile="$ONCEONLY_SERVICES_DIR/redis.pid" pid
	if [ -f "$pidfile" ]; then
		pid="$(cat "$pidfile")"
		kill -TERM "$pid" 2>/dev/null || true
		_onceonly_wait "Redis shutdown" 10 test ! -e "/proc/$pid"
		rm -f "$pidfile"
	fi
}

onceonly_mariadb_install() {
	if [ ! -x /usr/sbin/mariadbd ] && ! command -v mariadbd >/dev/null 2>&1; then
		echo "onceonly: installing mariadb-server"
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mariadb-server || return 1
	fi
}

_onceonly_mariadb_sql() {
	mariadb --no-defaults --protocol=socket --socket="$ONCEONLY_SERVICES_DIR/mariadb/mariadb.sock" -uroot "$@"
}

onceonly_mariadb_start() {
	local dir="$ONCEONLY_SERVICES_DIR/mariadb" mariadbd
	local url="jdbc:mariadb://127.0.0.1:$ONCEONLY_MARIADB_PORT/onceonly"
	if mariadb --no-defaults -h 127.0.0.1 -P "$ONCEONLY_MARIADB_PORT" -u onceonly -ponceonly onceonly -e "select 1" \
		>/dev/null 2>&1; then
		# a test server set up by this script already answers on the port (perhaps from another services dir)
		export ONCEONLY_TEST_MARIADB_URL="$url?user=onceonly&password=onceonly"
		echo "onceonly: MariaDB at $url (already running)"
		return 0
	fi
	mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
	mkdir -p "$ONCEONLY_SERVICES_DIR"
	chmod 755 "$ONCEONLY_SERVICES_DIR"
	install -d -o mysql -g mysql -m 755 "$dir" || return 1
	if [ ! -d "$dir/data/mysql" ]; then
		install -d -o mysql -g mysql -m 700 "$dir/data" || return 1
		mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" --auth-root-authentication-method=socket \
			--skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
	fi
	if ! _onceonly_mariadb_sql -e "select 1" >/dev/null 2>&1; then
		# --no-defaults: none of /etc/mysql's settings (port 3306, its socket); InnoDB flushes its log once a second
		# instead of at every commit, as PostgreSQL runs with fsync=off here: a test server, never a production one
		nohup "$mariadbd" --no-defaults --user=mysql --datadir="$dir/data" --socket="$dir/mariadb.sock" \
			--port="$ONCEONLY_MARIADB_PORT" --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" \
			--log-error="$dir/mariadb.log" --skip-name-resolve --character-set-server=utf8mb4 \
			--innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --max-connections=400 \
			</dev/null >/dev/null 2>&1 &
	fi
	_onceonly_wait MariaDB 60 _onceonly_mariadb_sql -e "select 1" || { tail -20 "$dir/mariadb.log" >&2; return 1; }
	_onceonly_mariadb_sql -e "CREATE DATABASE IF NOT EXISTS onceonly CHARACTER SET utf8mb4;
		CREATE USER IF NOT EXISTS 'onceonly'@'127.0.0.1' IDENTIFIED BY 'onceonly';
		GRANT ALL PRIVILEGES ON *.* TO 'onceonly'@'127.0.0.1';" || return 1
	export ONCEONLY_TEST_MARIADB_URL="$url?user=onceonly&password=onceonly"
	echo "onceonly: MariaDB at $url"
}

onceonly_mariadb_stop() {
	local pidfile="$ONCEONLY_SERVICES_DIR/mariadb/mariadb.pid" pid
	if [ -f "$pidfile" ]; then
		pid="$(cat "$pidfile")"
		kill -TERM "$pid" 2>/dev/null || true
		_onceonly_wait "MariaDB shutdown" 60 test ! -e "/proc/$pid"
	fi
}

onceonly_services_start() {
	onceonly_services_install && onceonly_postgres_start && onceonly_redis_start && onceonly_mariadb_start \
		&& onceonly_redis_cluster_start
}

onceonly_services_stop() {
	onceonly_redis_cluster_stop
	onceonly_mariadb_stop
	onceonly_redis_stop
	onceonly_postgres_stop
}

# ---- Redis Cluster: six nodes on ONCEONLY_REDIS_CLUSTER_PORT.. +5, three masters with one replica each

_onceonly_cluster_ports() {
	local i
	for ((i = 0; i < 6; i++)); do
		echo $((ONCEONLY_REDIS_CLUSTER_PORT + i))
	done
}

_onceonly_cluster_cli() {
	# _onceonly_cluster_cli <port> <command...>
	local port="$1"
	shift
	redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# Every node says cluster_state:ok and sees six nodes; every master has a replica whose link is up and not syncing.
_onceonly_cluster_ready() {
	local port info replication masters=0 replicas=0
	for port in $(_onceonly_cluster_ports); do
		info="$(_onceonly_cluster_cli "$port" cluster info)" || return 1
		grep -q '^cluster_state:ok' <<<"$info" && grep -q '^cluster_known_nodes:6' <<<"$info" || return 1
		replication="$(_onceonly_cluster_cli "$port" info replication)" || return 1
		if grep -q '^role:master' <<<"$replication"; then
			grep -q '^connected_slaves:1' <<<"$replication" && grep -q 'state=online' <<<"$replication" || return 1
			masters=$((masters + 1))
		else
			grep -q '^master_link_status:up' <<<"$replication" && grep -q '^master_sync_in_progress:0' <<<"$replication" \
				|| return 1
			replicas=$((replicas + 1))
		fi
	done
	[ "$masters" -eq 3 ] && [ "$replicas" -eq 3 ]
}

onceonly_redis_cluster_start() {
	local port dir nodes=() created=1
	command -v redis-server >/dev/null 2>&1 || onceonly_services_install || return 1
	for port in $(_onceonly_cluster_ports); do
		dir="$ONCEONLY_SERVICES_DIR/redis-cluster/$port"
		mkdir -p "$dir"
		nodes+=("127.0.0.1:$port")
		if ! _onceonly_cluster_cli "$port" ping >/dev/null 2>&1; then
			redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
				--cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 --save "" --appendonly yes \
				--appendfsync everysec --maxmemory-policy noeviction --pidfile "$dir/redis.pid" \
				--logfile "$dir/redis.log" --dir "$dir" || return 1
		fi
	done
	for port in $(_onceonly_cluster_ports); do
		_onceonly_wait "Redis cluster node $port" 10 _onceonly_cluster_cli "$port" ping || return 1
		if ! _onceonly_cluster_cli "$port" cluster info | grep -q '^cluster_known_nodes:6'; then
			created=0
		fi
	done
	if [ "$created" -eq 0 ]; then
		# first start, or nodes left half-joined: start over from empty nodes
		for port in $(_onceonly_cluster_ports); do
			_onceonly_cluster_cli "$port" flushall >/dev/null 2>&1 || true
			_onceonly_cluster_cli "$port" cluster reset hard >/dev/null || return 1
		done
		redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >/dev/null || return 1
	fi
	_onceonly_wait "Redis cluster" 60 _onceonly_cluster_ready || return 1
	export ONCEONLY_TEST_REDIS_CLUSTER_NODES
	ONCEONLY_TEST_REDIS_CLUSTER_NODES="$(IFS=,; echo "${nodes[*]}")"
	echo "onceonly: Redis Cluster at $ONCEONLY_TEST_REDIS_CLUSTER_NODES"
}

onceonly_redis_cluster_stop() {
	local port pidfile pid pids=()
	# all at once: a master waits (up to shutdown-timeout) for its replica to catch up before it exits
	for port in $(_onceonly_cluster_ports); do
		pidfile="$ONCEONLY_SERVICES_DIR/redis-cluster/$port/redis.pid"
		if [ -f "$pidfile" ]; then
			pids+=("$(cat "$pidfile")")
			kill -TERM "${pids[-1]}" 2>/dev/null || true
			rm -f "$pidfile"
		fi
	done
	for pid in "${pids[@]}"; do
		_onceonly_wait "Redis cluster node $pid shutdown" 15 test ! -e "/proc/$pid"
	done
}
