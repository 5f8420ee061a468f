#!/usr/bin/env bash
# Runs every benchmark of the project on this machine and writes the results under benchmarks/target/results/
# (summary.txt holds every RESULT and RATIO line; docs/benchmarks.md explains them).
#
#   benchmarks/run.sh                  everything (~12-15 minutes on 2 cores)
#   BENCH_SKIP_BUILD=1 benchmarks/run.sh   reuse the jars already built
#   BENCH_ONLY="jmh memory remote stores webhook" benchmarks/run.sh   a subset
#
# It builds benchmarks/target/benchmarks.jar and the sample app's jar, starts PostgreSQL (127.0.0.1:5443) and Redis
# (127.0.0.1:6391) through .ci/services.sh (installing them when missing; own ports and data directory
# /tmp/onceonly-bench-services, so the test servers on 5433/6390 are left alone) and stops them again, installs wrk from
# Debian when missing, and binds only to loopback. Never run it while something else is building: it measures.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=benchmarks/target/results
ONLY="${BENCH_ONLY:-jmh memory remote stores webhook}"
JAR=benchmarks/target/benchmarks.jar
SAMPLE_JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
WEBHOOK_PORT="${BENCH_WEBHOOK_PORT:-18080}"
mkdir -p "$OUT"

wants() { [[ " $ONLY " == *" $1 "* ]]; }
log() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$OUT/run.log"; }

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
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

if wants jmh; then
	for threads in 1 2; do
		log "jmh: annotation overhead, $threads thread(s)"
		java -jar "$JAR" AnnotationOverheadBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s -t "$threads" \
			-jvmArgs "-Xms4g -Xmx4g" -rf text -rff "$OUT/jmh-t$threads.txt" > "$OUT/jmh-t$threads.log" 2>&1
		sed -n '/^Benchmark/,$p' "$OUT/jmh-t$threads.txt"
	done
fi

if wants memory; then
	log "memory per key of the in-memory store, 1,000,000 keys"
	java -Xms3g -Xmx3g -cp "$JAR" tech.onceonly.benchmarks.MemoryPerKey --keys=1000000 2>&1 \
		| grep -E '^(RESULT|RATIO)' | tee "$OUT/memory.txt"
fi

if wants remote; then
	log "remote client vs raw WebClient against a local stub"
	java -Xmx1g -cp "$JAR" tech.onceonly.benchmarks.RemoteLoad --threads=1,4 --seconds=8 --warmup=3 2>&1 \
		| grep -E '^(RESULT|RATIO)' | tee "$OUT/remote.txt"
fi

if wants stores; then
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
fi

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
}

if wants webhook; then
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
	for _ in $(seq 120); do
		curl -fs -o /dev/null "http://127.0.0.1:$WEBHOOK_PORT/actuator/health" && break
		sleep 0.5
	done
	# warm-up (not recorded), then alternating rounds so drift and other load hit both endpoints alike
	WEBHOOK_REPLAY=0 wrk -t2 -c16 -d10s -s benchmarks/scripts/unique-webhook.lua \
		"http://127.0.0.1:$WEBHOOK_PORT/bench/webhooks/plain" > /dev/null
	WEBHOOK_REPLAY=0 wrk -t2 -c16 -d10s -s benchmarks/scripts/unique-webhook.lua \
		"http://127.0.0.1:$WEBHOOK_PORT/bench/webhooks/idempotent" > /dev/null
	for round in 1 2 3; do
		webhook_wrk "plain round=$round" /bench/webhooks/plain
		webhook_wrk "idempotent round=$round" /bench/webhooks/idempotent
	done
	webhook_wrk "idempotent-replay" /bench/webhooks/idempotent 1
	kill "$app"
	wait "$app" 2>/dev/null || true
	trap - EXIT
	awk '/RESULT webhook plain/ {split($5, a, "="); p += a[2]; n++}
		/RESULT webhook idempotent round/ {split($5, a, "="); i += a[2]; m++}
		/RESULT webhook idempotent-replay/ {split($4, a, "="); r = a[2]}
		END { printf "RATIO webhook idempotent vs plain (mean of %d rounds) throughput=%.2fx\n", n, (i / m) / (p / n);
			printf "RATIO webhook replay vs plain throughput=%.2fx\n", r / (p / n) }' "$OUT/webhook.txt" \
		| tee -a "$OUT/webhook.txt"
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
{
	cat "$OUT/machine.txt"
	for f in jmh-t1 jmh-t2; do [[ -f "$OUT/$f.txt" ]] && { echo "-- $f"; sed -n '/^Benchmark/,$p' "$OUT/$f.txt"; }; done
	cat "$OUT"/memory.txt "$OUT"/remote.txt "$OUT"/store-*.txt "$OUT"/webhook.txt 2>/dev/null || true
} > "$OUT/summary.txt"
log "done: $OUT/summary.txt"
