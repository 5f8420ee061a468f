#!/usr/bin/env bash
# Soak of onceonly-server on PostgreSQL: mixed traffic (check-lock, duplicate check-lock, lease + complete, runTool on
# a loopback tool, governance reads) from many threads for a fixed time, then invariants and a summary
# (benchmarks/scripts/soak.py describes the mix and the checks). Run by hand; docs/reliability.md records the figures.
#
#   benchmarks/soak.sh                          10 minutes, 16 threads
#   SOAK_SECONDS=120 SOAK_THREADS=8 benchmarks/soak.sh
#   SOAK_SKIP_BUILD=1 benchmarks/soak.sh        reuse onceonly-server/target/onceonly-server.jar
#
# It starts its own PostgreSQL through .ci/services.sh (port SOAK_PG_PORT=5446, data under /tmp/onceonly-soak-services,
# so the test servers on 5433/6390 are left alone), starts the server jar on SOAK_SERVER_PORT=18090 (-Xmx256m, rate
# limiting off, 127.0.0.1 allow-listed for the tool on SOAK_TOOL_PORT=18091), stops both at the end and writes
# benchmarks/target/soak/summary.txt (exit code 1 when an invariant failed) and the server log next to it.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN="${SOAK_SECONDS:-600}"
THREADS="${SOAK_THREADS:-16}"
SERVER_PORT="${SOAK_SERVER_PORT:-18090}"
TOOL_PORT="${SOAK_TOOL_PORT:-18091}"
OUT=benchmarks/target/soak
JAR=onceonly-server/target/onceonly-server.jar
KEY="soak-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$OUT"

if [[ "${SOAK_SKIP_BUILD:-0}" != 1 ]]; then
	./mvnw -B -q -pl onceonly-server -am package -DskipTests
fi

export ONCEONLY_SERVICES_DIR="${SOAK_SERVICES_DIR:-/tmp/onceonly-soak-services}"
export ONCEONLY_PG_PORT="${SOAK_PG_PORT:-5446}"
export ONCEONLY_PG_DB=onceonly_soak
# shellcheck source=../.ci/services.sh
source .ci/services.sh
onceonly_services_install
onceonly_postgres_start

SERVER_PID=
cleanup() {
	if [[ -n "$SERVER_PID" ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	onceonly_postgres_stop
}
trap cleanup EXIT

java -Xmx256m -jar "$JAR" --spring.profiles.active=postgres \
	--spring.datasource.url="$ONCEONLY_TEST_POSTGRES_URL" --spring.datasource.username=postgres \
	--server.port="$SERVER_PORT" --server.address=127.0.0.1 \
	--onceonly.server.api-keys[0].key="$KEY" --onceonly.server.api-keys[0].tenant=soak \
	--onceonly.server.api-keys[0].plan=soak --onceonly.server.plans.soak.requests-per-second=0 \
	--onceonly.server.tool-url-allow-list=127.0.0.1/32 >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
	curl -fsS "http://127.0.0.1:$SERVER_PORT/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT/server.log" >&2; exit 1; }
	sleep 1
done

status=0
python3 benchmarks/scripts/soak.py --port "$SERVER_PORT" --key "$KEY" --tool-port "$TOOL_PORT" \
	--seconds "$SECONDS_TO_RUN" --threads "$THREADS" --server-pid "$SERVER_PID" --pg-port "$ONCEONLY_PG_PORT" \
	--sample-every "${SOAK_SAMPLE_EVERY:-30}" --out "$OUT/summary.txt" || status=$?
{
	echo "server log: $(grep -c ' WARN ' "$OUT/server.log" || true) WARN lines, $(grep -c ' ERROR ' "$OUT/server.log" || true) ERROR lines"
} | tee -a "$OUT/summary.txt"
exit "$status"
