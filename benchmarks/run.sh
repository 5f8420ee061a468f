#!/usr/bin/env bash
# Runs every benchmark of the project on this machine and writes the results under benchmarks/target/results/
# (summary.txt holds every RESULT and RATIO line; docs/benchmarks.md explains them).
#
#   benchmarks/run.sh                  everything (~12-15 minutes on 2 cores)
#   BENCH_SKIP_BUILD=1 benchmarks/run.sh   reuse the jars already built
#   BENCH_ONLY="jmh memory remote stores webhook endpoint" benchmarks/run.sh   a subset
#   BENCH_ONLY=endpoint BENCH_BACKENDS="memory redis postgres" BENCH_SECONDS=6 BENCH_ROUNDS=3 benchmarks/run.sh
#       the Idempotency-Key endpoint method only (issue 16): plain and @IdempotencyKey twins of the sample app under
#       wrk -t2 -c16, interleaved rounds of plain / unique keys / replays of one key, per backend; PostgreSQL with
#       stock settings (fsync on) on its own port 5444 beside the two-commit limit measured with pgbench
#       (BENCH_SAMPLE_JAR=<jar> measures another build of the sample app, e.g. the one before a change;
#       BENCH_JFR=1 also records a JFR profile of every app, BENCH_JFR="memory" of the named backends only)
#
# Each part runs on its own: a part that fails is recorded in parts.txt ("PART <part> failed rc=<n>") and the run
# goes on with the next one; a backend of the endpoint part that fails is recorded the same way
# ("PART endpoint-<backend> failed"). At the end benchmarks/scripts/tables.py turns the result files into
# tables.md (machine and load, run status, the goals of issue 16 met or missed, and one table per part), saying
# which parts failed and which handler-counter checks failed instead of leaving their rows out.
#
# The sample app of the endpoint part runs at its default heap (no -Xms/-Xmx: what `./mvnw -pl sample-app
# spring-boot:run` from the README gives, i.e. the JVM's ergonomic default); BENCH_SAMPLE_HEAP="-Xmx512m" measures
# another. After the interleaved rounds each backend gets one long run of unique keys (BENCH_LONG_SECONDS, default
# 20; 0 skips it), whose largest GC pause is the GC goal's measurement ("no pause over 50 ms in a 20 s run").
#
# It builds benchmarks/target/benchmarks.jar and the sample app's jar, starts PostgreSQL (127.0.0.1:5443) and Redis
# (127.0.0.1:6391) through .ci/services.sh (installing them when missing; own ports and data directory
# /tmp/onceonly-bench-services, so the test servers on 5433/6390 are left alone) and stops them again, installs wrk from
# Debian when missing, and binds only to loopback. Never run it while something else is building: it measures.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${BENCH_OUT:-benchmarks/target/results}"
ONLY="${BENCH_ONLY:-jmh memory remote stores webhook endpoint}"
JAR=benchmarks/target/benchmarks.jar
SAMPLE_JAR="${BENCH_SAMPLE_JAR:-sample-app/target/sample-app-0.1.0-SNAPSHOT.jar}"
WEBHOOK_PORT="${BENCH_WEBHOOK_PORT:-18080}"
mkdir -p "$OUT"

wants() { [[ " $ONLY " == *" $1 "* ]]; }
log() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$OUT/run.log"; }
: > "$OUT/parts.txt"

run_part() {
	# run_part <part> <function> [args...]: runs the function in a subshell with errexit, so a failing part stops itself (its
	# EXIT traps clean up) but not the run, and records the outcome in parts.txt for tables.py
	local part="$1" rc
	echo "PART $part requested" >> "$OUT/parts.txt"
	set +e
	(
		set -e
		"${@:2}"
	)
	rc=$?
	set -e
	if ((rc == 0)); then
		echo "PART $part ok" >> "$OUT/parts.txt"
	else
		echo "PART $part failed rc=$rc" >> "$OUT/parts.txt"
		log "part $part FAILED (exit status $rc); the run goes on"
	fi
}

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
	log "build: benchmarks and sample-app jars"
	./mvnw -B -q -pl benchmarks,sample-app -am package -DskipTests
fi

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
	echo "jdk: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
	echo "sample app heap: ${BENCH_SAMPLE_HEAP:-the JVM default} (max heap $(java ${BENCH_SAMPLE_HEAP:-} \
		-XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%.0f MiB", $4 / 1048576}'), GC $(java \
		${BENCH_SAMPLE_HEAP:-} -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$4 == "true" && $2 ~ /^Use(G1|Serial|Parallel|Z|Shenandoah)GC$/ {sub("Use", "", $2); print $2}'))"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

part_jmh() {
	for threads in 1 2; do
		log "jmh: annotation overhead, $threads thread(s)"
		java -jar "$JAR" AnnotationOverheadBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s -t "$threads" \
			-jvmArgs "-Xms4g -Xmx4g" -rf text -rff "$OUT/jmh-t$threads.txt" > "$OUT/jmh-t$threads.log" 2>&1
		sed -n '/^Benchmark/,$p' "$OUT/jmh-t$threads.txt"
	done
}
if wants jmh; then run_part jmh part_jmh; fi

part_memory() {
	log "memory per key of the in-memory store, 1,000,000 keys"
	java -Xms3g -Xmx3g -cp "$JAR" tech.onceonly.benchmarks.MemoryPerKey --keys=1000000 2>&1 \
		| grep -E '^(RESULT|RATIO)' | tee "$OUT/memory.txt"
}
if wants memory; then run_part memory part_memory; fi

part_remote() {
	log "remote client (Reactor Netty, and on the JDK HttpClient) vs raw WebClient on the same transport, local stub"
	# the whole output is kept in remote.log, so a failed run shows its exception (it used to be filtered away)
	local rc=0
	java -Xmx1g -cp "$JAR" tech.onceonly.benchmarks.RemoteLoad --threads=1,4 --seconds=8 --warmup=3 --rounds=2 \
		> "$OUT/remote.log" 2>&1 || rc=$?
	grep -E '^(RESULT|RATIO|COST|CHECK FAILED)' "$OUT/remote.log" | tee "$OUT/remote.txt" || true
	if ((rc != 0)); then
		echo "RemoteLoad failed (exit status $rc); the end of $OUT/remote.log:" >&2
		tail -n 40 "$OUT/remote.log" >&2
		return "$rc"
	fi
}
if wants remote; then run_part remote part_remote; fi

part_stores() {
	# its own servers (data dir and ports), so it never stops the ones a parallel test run is using
	export ONCEONLY_SERVICES_DIR="${BENCH_SERVICES_DIR:-/tmp/onceonly-bench-services}"
	export ONCEONLY_PG_PORT="${BENCH_PG_PORT:-5443}" ONCEONLY_REDIS_PORT="${BENCH_REDIS_PORT:-6391}"
	# shellcheck source=../.ci/services.sh
	source .ci/services.sh
	onceonly_services_start
	trap onceonly_services_stop EXIT
	redis-cli -p "$ONCEONLY_REDIS_PORT" config resetstat > /dev/null
	for backend in postgres redis; do
		log "store: $backend"
		java -Xmx1g -cp "$JAR" tech.onceonly.benchmarks.StoreLoad --backend="$backend" --threads=1,8 --seconds=9 \
			--warmup=2 2>&1 | grep -E '^(RESULT|RATIO)' | tee "$OUT/store-$backend.txt"
	done
	# server-side cost per command (SET is the raw operation, EVALSHA the store's scripts)
	redis-cli -p "$ONCEONLY_REDIS_PORT" info commandstats | grep -E 'cmdstat_(set|evalsha):' \
		| sed 's/^/REDIS /' | tee -a "$OUT/store-redis.txt"
	onceonly_services_stop
	trap - EXIT
}
if wants stores; then run_part stores part_stores; fi

webhook_wrk() {
	# webhook_wrk <label> <path> [replay]
	local label="$1" path="$2" replay="${3:-0}" rps
	local report
	report="$(WEBHOOK_REPLAY="$replay" wrk -t2 -c16 -d8s --latency -s benchmarks/scripts/unique-webhook.lua \
		"http://127.0.0.1:$WEBHOOK_PORT$path")"
	echo "$report" >> "$OUT/webhook-wrk.log"
	rps="$(echo "$report" | awk '/Requests\/sec/ {print $2}')"
	echo "RESULT webhook $label req/s=$rps p50=$(echo "$report" | awk '$1 == "50%" {print $2}')" \
		"p99=$(echo "$report" | awk '$1 == "99%" {print $2}')" \
		"non2xx=$(echo "$report" | awk '/Non-2xx/ {print $5}')" | tee -a "$OUT/webhook.txt"
	# every delivery must be answered 2xx (a new event id runs the handler, a duplicate is answered from the store);
	# the sample counts deliveries but does not publish the count, so only the answers are checked here
	local errors
	errors="$(echo "$report" | awk '/Non-2xx/ {n += $5} /Socket errors/ {n += 1} END {print n + 0}')"
	if [[ -z "$rps" ]] || ((errors != 0)); then
		echo "CHECK FAILED webhook $label: req/s=${rps:-none} non-2xx or socket errors=$errors" \
			| tee -a "$OUT/webhook.txt"
	fi
}

part_webhook() {
	if ! command -v wrk >/dev/null 2>&1; then
		log "installing wrk"
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
	fi
	log "webhook: sample app under wrk -t2 -c16 (in-memory store)"
	: > "$OUT/webhook.txt"
	: > "$OUT/webhook-wrk.log"
	java -Xms1g -Xmx1g -jar "$SAMPLE_JAR" --server.address=127.0.0.1 --server.port="$WEBHOOK_PORT" \
		--logging.level.root=WARN --onceonly.store.memory.max-entries=10000000 > "$OUT/sample-app.log" 2>&1 &
	app=$!
	trap 'kill "$app" 2>/dev/null || true' EXIT
	local up=0
	for _ in $(seq 1200); do
		if curl -fs -o /dev/null "http://127.0.0.1:$WEBHOOK_PORT/actuator/health"; then
			up=1
			break
		fi
		kill -0 "$app" 2>/dev/null || break
		sleep 0.5
	done
	if ((up == 0)); then
		log "webhook: the sample app did not start; see $OUT/sample-app.log"
		return 1
	fi
	# warm-up (not recorded), then alternating rounds so drift and other load hit both endpoints alike
	WEBHOOK_REPLAY=0 wrk -t2 -c16 -d10s -s benchmarks/scripts/unique-webhook.lua \
		"http://127.0.0.1:$WEBHOOK_PORT/bench/webhooks/plain" > /dev/null
	WEBHOOK_REPLAY=0 wrk -t2 -c16 -d10s -s benchmarks/scripts/unique-webhook.lua \
		"http://127.0.0.1:$WEBHOOK_PORT/bench/webhooks/idempotent" > /dev/null
	for round in 1 2 3; do
		webhook_wrk "plain round=$round" /bench/webhooks/plain
		webhook_wrk "idempotent round=$round" /bench/webhooks/idempotent
	done
	# the replayed event is delivered (and completed) once first, so the run measures duplicates only; without it the
	# run's first request was a first delivery and a duplicate arriving while it ran got 409 (the CHECK FAILED of the
	# 2026-12-03 quiet run: one non-2xx answer, no socket error)
	export WEBHOOK_RUN_ID="$RANDOM$RANDOM"
	curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' \
		-d "{\"id\":\"evt_replay_$WEBHOOK_RUN_ID\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}" \
		"http://127.0.0.1:$WEBHOOK_PORT/bench/webhooks/idempotent" || log "webhook: the replayed event could not be delivered first"
	webhook_wrk "idempotent-replay" /bench/webhooks/idempotent 1
	unset WEBHOOK_RUN_ID
	kill "$app"
	wait "$app" 2>/dev/null || true
	trap - EXIT
	awk '/RESULT webhook plain/ {split($5, a, "="); p += a[2]; n++}
		/RESULT webhook idempotent round/ {split($5, a, "="); i += a[2]; m++}
		/RESULT webhook idempotent-replay/ {split($4, a, "="); r = a[2]}
		END { printf "RATIO webhook idempotent vs plain (mean of %d rounds) throughput=%.2fx\n", n, (i / m) / (p / n);
			printf "RATIO webhook replay vs plain throughput=%.2fx\n", r / (p / n) }' "$OUT/webhook.txt" \
		| tee -a "$OUT/webhook.txt"
}
if wants webhook; then run_part webhook part_webhook; fi

# ---- the Idempotency-Key endpoint method (issue 16) ----
ENDPOINT_PORT="${BENCH_ENDPOINT_PORT:-18081}"
SECONDS_PER_RUN="${BENCH_SECONDS:-6}"
LONG_SECONDS="${BENCH_LONG_SECONDS:-20}"
# a 6-s warm-up per path left round 1 at a third of later rounds' throughput (JIT still compiling on 2 cores)
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-15}"
ROUNDS="${BENCH_ROUNDS:-3}"
PGSTOCK_PORT="${BENCH_PGSTOCK_PORT:-5444}"
PGSTOCK_DIR="${BENCH_PGSTOCK_DIR:-/tmp/onceonly-bench-pgstock}"

pgstock_start() {
	# PostgreSQL with the settings initdb gives (fsync on, synchronous_commit on), its own data dir and port
	local bin
	bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
	if [[ ! -f "$PGSTOCK_DIR/data/PG_VERSION" ]]; then
		install -d -o postgres -g postgres -m 700 "$PGSTOCK_DIR/data"
		runuser -u postgres -- "$bin/initdb" -D "$PGSTOCK_DIR/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
	fi
	install -d -o postgres -g postgres "$PGSTOCK_DIR/sock"
	runuser -u postgres -- "$bin/pg_ctl" -D "$PGSTOCK_DIR/data" -l "$PGSTOCK_DIR/sock/postgres.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $PGSTOCK_PORT -k $PGSTOCK_DIR/sock" start >/dev/null
	psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='bench'" \
		| grep -q 1 || psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d postgres -qc "create database bench"
	psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d bench -qc \
		"create table if not exists bench_raw (k text primary key, v bigint)"
	echo "pg settings: $(psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d bench -tAc \
		"select string_agg(name || '=' || setting, ' ') from pg_settings where name in
		('fsync','synchronous_commit','wal_sync_method','shared_buffers','server_version')")" \
		| tee -a "$OUT/machine.txt"
}

pgstock_stop() {
	local bin
	bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
	runuser -u postgres -- "$bin/pg_ctl" -D "$PGSTOCK_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

gc_max_pause() {
	# gc_max_pause <gc log> <lines to skip>: the largest "Pause" (ms) that -Xlog:gc wrote after the first lines
	awk -v skip="$2" 'NR > skip && /Pause/ {v = $NF; sub("ms", "", v); if (v + 0 > m) m = v + 0} END {print m + 0}' "$1"
}

app_cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

app_sys_ticks() {
	# the kernel's share of app_cpu_ticks (system time: socket I/O, wake-ups, page faults)
	awk '{print $15}' "/proc/$1/stat"
}

endpoint_counters() {
	curl -fs "http://127.0.0.1:$ENDPOINT_PORT/bench/orders/counters" | tr -d '{}"' | tr ',' ' '
}

endpoint_wrk() {
	# endpoint_wrk <backend> <label> <round> <path> <replay> [run id: the replayed key is "replay-<run id>"]
	local backend="$1" label="$2" round="$3" path="$4" replay="$5" rid="${6:-$1-$2-$3-$RANDOM$RANDOM}"
	local seconds="${RUN_SECONDS:-$SECONDS_PER_RUN}"
	local report before after ticks0 ticks1 sys0 sys1 handled gc_lines
	local requests non2xx col cpu syscpu socket_errors
	case "$path" in
		*plain) col=plain ;;
		*two-inserts) col=two_inserts ;;
		*) col=idempotent ;;
	esac
	local wal0="" wal=""
	if [[ "$backend" == postgres ]]; then
		# the stock cluster serves only this app: its WAL records over a run are the app's
		wal0="$(psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d bench -tAc 'select wal_records from pg_stat_wal')"
	fi
	before="$(endpoint_counters)"
	gc_lines="$(wc -l < "$GC_LOG")"
	ticks0="$(app_cpu_ticks "$app")"
	sys0="$(app_sys_ticks "$app")"
	report="$(IDEMPOTENCY_REPLAY="$replay" BENCH_RUN_ID="$rid" wrk -t2 -c16 \
		-d"${seconds}s" --latency -s benchmarks/scripts/idempotency-key.lua \
		"http://127.0.0.1:$ENDPOINT_PORT$path")"
	ticks1="$(app_cpu_ticks "$app")"
	sys1="$(app_sys_ticks "$app")"
	after="$(endpoint_counters)"
	if [[ -n "$wal0" ]]; then
		wal=" wal_records=$(( $(psql -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -d bench -tAc \
			'select wal_records from pg_stat_wal') - wal0 ))"
	fi
	echo "$report" >> "$OUT/endpoint-wrk.log"
	handled=$(( $(echo "$after" | tr ' ' '\n' | awk -F: -v c="$col" '$1 == c {print $2}') \
		- $(echo "$before" | tr ' ' '\n' | awk -F: -v c="$col" '$1 == c {print $2}') ))
	requests="$(echo "$report" | awk '$1 == "REQUESTS" {print $2}')"
	non2xx="$(echo "$report" | awk '$1 == "REQUESTS" {print $4}')"
	# connect, read, write errors and timeouts: none are expected on loopback
	socket_errors="$(echo "$report" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')"
	cpu="$(awk -v t=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
		'BEGIN { printf "%.0f", (n > 0) ? t / hz * 1e6 / n : 0 }')"
	syscpu="$(awk -v t=$((sys1 - sys0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
		'BEGIN { printf "%.0f", (n > 0) ? t / hz * 1e6 / n : 0 }')"
	echo "RESULT endpoint backend=$backend $label round=$round" \
		"req/s=$(echo "$report" | awk '/Requests\/sec/ {print $2}')" \
		"p50=$(echo "$report" | awk '$1 == "50%" {print $2}') p99=$(echo "$report" | awk '$1 == "99%" {print $2}')" \
		"max=$(echo "$report" | awk '$1 == "Latency" {print $4}') requests=$requests non2xx=$non2xx handled=$handled" \
		"app_cpu_us_per_req=$cpu app_sys_us_per_req=$syscpu$wal gc_max_pause_ms=$(gc_max_pause "$GC_LOG" "$gc_lines")" \
		"socket_errors=${socket_errors:-0} seconds=$seconds load=$(cut -d' ' -f1 /proc/loadavg)" \
		| tee -a "$OUT/endpoint.txt"
	# every unique key runs its handler exactly once; a replay never runs it (the key's first request did);
	# requests still in flight when wrk stops are handled but not counted by wrk (at most one per connection)
	local ok=1
	case "$label" in
		plain | unique | long | two-inserts) (( handled >= requests - non2xx && handled <= requests + 16 )) || ok=0 ;;
		replay) (( handled == 0 && non2xx == 0 )) || ok=0 ;;
		*) ok=0 ;;
	esac
	if [[ "$label" == unique || "$label" == long || "$label" == two-inserts ]] && (( non2xx != 0 )); then ok=0; fi
	if [[ -z "$requests" ]] || (( requests == 0 || ${socket_errors:-0} != 0 )); then ok=0; fi
	if (( ok == 0 )); then
		echo "CHECK FAILED endpoint backend=$backend $label round=$round: handled=$handled requests=${requests:-none}" \
			"non2xx=$non2xx socket_errors=${socket_errors:-0}" | tee -a "$OUT/endpoint.txt"
	fi
}

pgbench_two_commits() {
	# two autocommit inserts per transaction script, 16 clients on 2 threads: the two-commit limit
	local round="$1" tps
	tps="$(pgbench -h 127.0.0.1 -p "$PGSTOCK_PORT" -U postgres -n -c16 -j2 -T"$SECONDS_PER_RUN" \
		-f benchmarks/scripts/two-inserts.sql bench 2>/dev/null | awk '/^tps/ {print $3; exit}')"
	echo "RESULT endpoint backend=postgres two-commit-limit round=$round req/s=$tps load=$(cut -d' ' -f1 /proc/loadavg)" \
		| tee -a "$OUT/endpoint.txt"
}

endpoint_backend() {
	local backend="$1" args=() jfr=() heap=()
	GC_LOG="$OUT/gc-endpoint-$backend.log"
	# the sample's default heap unless BENCH_SAMPLE_HEAP says otherwise (see the top of this file)
	if [[ -n "${BENCH_SAMPLE_HEAP:-}" ]]; then read -ra heap <<< "$BENCH_SAMPLE_HEAP"; fi
	case "$backend" in
		memory) args=(--onceonly.store.type=memory) ;;
		redis) args=(--onceonly.store.type=redis "--spring.data.redis.url=redis://127.0.0.1:$ONCEONLY_REDIS_PORT"
			--onceonly.store.redis.key-prefix="bench$RANDOM:") ;;
		postgres) args=(--onceonly.store.type=jdbc
			"--spring.datasource.url=jdbc:postgresql://127.0.0.1:$PGSTOCK_PORT/bench" --spring.datasource.username=postgres
			--onceonly.store.jdbc.initialize-schema=always --spring.datasource.hikari.maximum-pool-size=16) ;;
	esac
	if [[ " ${BENCH_JFR:-} " == *" $backend "* || "${BENCH_JFR:-}" == 1 ]]; then
		jfr=("-XX:StartFlightRecording=filename=$OUT/endpoint-$backend.jfr,settings=profile")
	fi
	log "endpoint: $backend ($SAMPLE_JAR)"
	java "${heap[@]}" "${jfr[@]}" "-Xlog:gc:file=$GC_LOG" -jar "$SAMPLE_JAR" --server.address=127.0.0.1 \
		--server.port="$ENDPOINT_PORT" --logging.level.root=WARN "${args[@]}" > "$OUT/endpoint-app-$backend.log" 2>&1 &
	app=$!
	# runs in its own subshell (run_part): a failure anywhere below stops this app, not only a normal end
	trap 'kill "$app" 2>/dev/null || true' EXIT
	# up to ten minutes: on a loaded machine a Boot app can take minutes to start
	local up=0
	for _ in $(seq 1200); do
		if curl -fs -o /dev/null "http://127.0.0.1:$ENDPOINT_PORT/bench/orders/counters"; then
			up=1
			break
		fi
		kill -0 "$app" 2>/dev/null || break
		sleep 0.5
	done
	if (( up == 0 )); then
		log "endpoint: the app for $backend did not start; see $OUT/endpoint-app-$backend.log"
		kill "$app" 2>/dev/null || true
		return 1
	fi
	# warm-up of all three paths (not recorded)
	for path in plain idempotent; do
		IDEMPOTENCY_REPLAY=0 wrk -t2 -c16 -d"${WARMUP_SECONDS}s" -s benchmarks/scripts/idempotency-key.lua \
			"http://127.0.0.1:$ENDPOINT_PORT/bench/orders/$path" > /dev/null
	done
	if [[ "$backend" == postgres ]]; then
		IDEMPOTENCY_REPLAY=0 wrk -t2 -c16 -d"$(( (WARMUP_SECONDS + 2) / 3 ))s" -s benchmarks/scripts/idempotency-key.lua \
			"http://127.0.0.1:$ENDPOINT_PORT/bench/orders/two-inserts" > /dev/null
	fi
	IDEMPOTENCY_REPLAY=1 BENCH_RUN_ID=warm wrk -t2 -c16 -d"$(( (WARMUP_SECONDS + 2) / 3 ))s" -s benchmarks/scripts/idempotency-key.lua \
		"http://127.0.0.1:$ENDPOINT_PORT/bench/orders/idempotent" > /dev/null
	for round in $(seq "$ROUNDS"); do
		if [[ "$backend" == postgres ]]; then
			pgbench_two_commits "$round"
			# the same two autocommit inserts made by an endpoint of the app itself (same pool, same threads)
			endpoint_wrk "$backend" two-inserts "$round" /bench/orders/two-inserts 0
		fi
		endpoint_wrk "$backend" plain "$round" /bench/orders/plain 0
		endpoint_wrk "$backend" unique "$round" /bench/orders/idempotent 0
		# the replayed key is completed by one request first, then every request replays it
		local rid="$backend-replay-$round-$RANDOM"
		curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -H "Idempotency-Key: \"replay-$rid\"" \
			-d '{"item":"sku_1","qty":1}' "http://127.0.0.1:$ENDPOINT_PORT/bench/orders/idempotent"
		endpoint_wrk "$backend" replay "$round" /bench/orders/idempotent 1 "$rid"
	done
	# the GC goal's run: unique keys for LONG_SECONDS at the default heap (its largest pause is in the RESULT line)
	if ((LONG_SECONDS > 0)); then
		RUN_SECONDS="$LONG_SECONDS" endpoint_wrk "$backend" long 1 /bench/orders/idempotent 0
	fi
	kill "$app"
	wait "$app" 2>/dev/null || true
	# the whole app's largest pause, warm-up included
	echo "RESULT endpoint backend=$backend gc_max_pause_ms=$(gc_max_pause "$GC_LOG" 0)" | tee -a "$OUT/endpoint.txt"
}

endpoint_ratios() {
	awk '
		/^RESULT endpoint/ {
			b = ""; l = ""; r = 0; p99 = ""; cpu = 0
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "backend") b = kv[2]
				else if (kv[1] == "req/s") r = kv[2]
				else if (kv[1] == "p99") p99 = kv[2]
				else if (kv[1] == "app_cpu_us_per_req") cpu = kv[2]
				else if (kv[1] == "round" || kv[1] == "gc_max_pause_ms") {}
				else if (index($i, "=") == 0 && l == "") l = $i
			}
			if (r == 0 || l == "") next
			sum[b, l] += r; n[b, l]++; cpus[b, l] += cpu
			ms = p99; if (ms ~ /us$/) { sub("us", "", ms); ms /= 1000 } else if (ms ~ /ms$/) { sub("ms", "", ms) } else if (ms ~ /s$/) { sub("s", "", ms); ms *= 1000 }
			if (ms + 0 > worst[b, l]) worst[b, l] = ms + 0
			backends[b] = 1
		}
		END {
			for (b in backends) {
				plain = sum[b, "plain"] / n[b, "plain"]
				if (n[b, "unique"]) printf "RATIO endpoint %s first/plain throughput=%.2fx (%.0f vs %.0f req/s) worst-p99 %.1f vs %.1f ms cpu %.0f vs %.0f us/req\n", b, sum[b, "unique"] / n[b, "unique"] / plain, sum[b, "unique"] / n[b, "unique"], plain, worst[b, "unique"], worst[b, "plain"], cpus[b, "unique"] / n[b, "unique"], cpus[b, "plain"] / n[b, "plain"]
				if (n[b, "replay"]) printf "RATIO endpoint %s replay/plain throughput=%.2fx (%.0f req/s) worst-p99 %.1f ms cpu %.0f us/req\n", b, sum[b, "replay"] / n[b, "replay"] / plain, sum[b, "replay"] / n[b, "replay"], worst[b, "replay"], cpus[b, "replay"] / n[b, "replay"]
				if (n[b, "two-commit-limit"]) {
					lim = sum[b, "two-commit-limit"] / n[b, "two-commit-limit"]
					printf "RATIO endpoint %s first/two-commit-limit throughput=%.2fx (%.0f vs %.0f)\n", b, sum[b, "unique"] / n[b, "unique"] / lim, sum[b, "unique"] / n[b, "unique"], lim
					printf "RATIO endpoint %s replay/first throughput=%.2fx\n", b, sum[b, "replay"] / n[b, "replay"] / (sum[b, "unique"] / n[b, "unique"])
				}
				if (n[b, "two-inserts"]) {
					raw = sum[b, "two-inserts"] / n[b, "two-inserts"]
					printf "RATIO endpoint %s first/two-inserts-in-app throughput=%.2fx (%.0f vs %.0f)\n", b, sum[b, "unique"] / n[b, "unique"] / raw, sum[b, "unique"] / n[b, "unique"], raw
				}
			}
		}' "$OUT/endpoint.txt" | tee -a "$OUT/endpoint.txt"
}

part_endpoint() {
	if ! command -v wrk >/dev/null 2>&1; then
		log "installing wrk"
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
	fi
	: > "$OUT/endpoint.txt"
	: > "$OUT/endpoint-wrk.log"
	BACKENDS="${BENCH_BACKENDS:-memory redis postgres}"
	cleanup_endpoint() {
		if [[ " $BACKENDS " == *" postgres "* ]]; then pgstock_stop; fi
		if [[ " $BACKENDS " == *" redis "* ]]; then onceonly_redis_stop; fi
		return 0
	}
	trap cleanup_endpoint EXIT
	if [[ " $BACKENDS " == *" redis "* ]]; then
		export ONCEONLY_SERVICES_DIR="${BENCH_SERVICES_DIR:-/tmp/onceonly-bench-services}"
		export ONCEONLY_PG_PORT="${BENCH_PG_PORT:-5443}" ONCEONLY_REDIS_PORT="${BENCH_REDIS_PORT:-6391}"
		# shellcheck source=../.ci/services.sh
		source .ci/services.sh
		onceonly_redis_start
	fi
	if [[ " $BACKENDS " == *" postgres "* ]]; then pgstock_start; fi
	# one backend failing (an app that does not start, a store that goes away) is recorded and the next one runs
	for backend in $BACKENDS; do
		run_part "endpoint-$backend" endpoint_backend "$backend"
	done
	cleanup_endpoint
	trap - EXIT
	endpoint_ratios
}
if wants endpoint; then run_part endpoint part_endpoint; fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
{
	cat "$OUT/machine.txt"
	for f in jmh-t1 jmh-t2; do [[ -f "$OUT/$f.txt" ]] && { echo "-- $f"; sed -n '/^Benchmark/,$p' "$OUT/$f.txt"; }; done
	cat "$OUT"/memory.txt "$OUT"/remote.txt "$OUT"/store-*.txt "$OUT"/webhook.txt "$OUT"/endpoint.txt 2>/dev/null || true
	cat "$OUT/parts.txt"
} > "$OUT/summary.txt"
log "done: $OUT/summary.txt"
# every table of docs/benchmarks.md from the files above (failed parts and checks said, not left out)
if python3 benchmarks/scripts/tables.py "$OUT"; then
	log "tables: $OUT/tables.md"
else
	log "tables: benchmarks/scripts/tables.py failed; the result files are still in $OUT"
fi
