#!/usr/bin/env bash
# A PostgreSQL outage under onceonly-server, by hand: the server on its own PostgreSQL (port OUTAGE_PG_PORT=5447, data
# under /tmp/onceonly-outage-services; the test servers on 5433/6390 are left alone), 4 client threads of check-lock
# and lease + complete plus a health poller (benchmarks/scripts/outage_client.py); PostgreSQL is stopped after
# OUTAGE_BEFORE=10 s by its PID (fast shutdown) and started again OUTAGE_DOWN=20 s later; the clients run on for
# OUTAGE_AFTER=20 s. Writes benchmarks/target/outage/summary.txt (timeline per second and the checks) and the
# server log; exit code 1 when a check failed. docs/reliability.md records a run.
#
#   SOAK_SKIP_BUILD=1 benchmarks/pg-outage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BEFORE="${OUTAGE_BEFORE:-10}"
DOWN="${OUTAGE_DOWN:-20}"
AFTER="${OUTAGE_AFTER:-20}"
SERVER_PORT="${OUTAGE_SERVER_PORT:-18096}"
OUT=benchmarks/target/outage
JAR=onceonly-server/target/onceonly-server.jar
KEY="outage-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$OUT"

if [[ "${SOAK_SKIP_BUILD:-0}" != 1 ]]; then
	./mvnw -B -q -pl onceonly-server -am package -DskipTests
fi

export ONCEONLY_SERVICES_DIR="${OUTAGE_SERVICES_DIR:-/tmp/onceonly-outage-services}"
export ONCEONLY_PG_PORT="${OUTAGE_PG_PORT:-5447}"
export ONCEONLY_PG_DB=onceonly_outage
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
	rm -f "$OUT/marks"
}
trap cleanup EXIT

java -Xmx256m -jar "$JAR" --spring.profiles.active=postgres \
	--spring.datasource.url="$ONCEONLY_TEST_POSTGRES_URL" --spring.datasource.username=postgres \
	--server.port="$SERVER_PORT" --server.address=127.0.0.1 \
	--onceonly.server.api-keys[0].key="$KEY" --onceonly.server.api-keys[0].tenant=outage \
	--onceonly.server.api-keys[0].plan=outage --onceonly.server.plans.outage.requests-per-second=0 \
	>"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
	curl -fsS "http://127.0.0.1:$SERVER_PORT/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT/server.log" >&2; exit 1; }
	sleep 1
done

rm -f "$OUT/marks"
mkfifo "$OUT/marks"
python3 benchmarks/scripts/outage_client.py --port "$SERVER_PORT" --key "$KEY" \
	--seconds $((BEFORE + DOWN + AFTER)) --out "$OUT/summary.txt" <"$OUT/marks" &
CLIENT_PID=$!
exec 3>"$OUT/marks"
sleep "$BEFORE"
echo "stopping PostgreSQL" >&3
onceonly_postgres_stop
echo "PostgreSQL stopped" >&3
sleep "$DOWN"
echo "starting PostgreSQL" >&3
onceonly_postgres_start >/dev/null
echo "PostgreSQL started" >&3
status=0
wait "$CLIENT_PID" || status=$?
exec 3>&-
{
	echo "server log: $(grep -c ' WARN ' "$OUT/server.log" || true) WARN lines, $(grep -c ' ERROR ' "$OUT/server.log" || true) ERROR lines, $(grep -c '^	at ' "$OUT/server.log" || true) stack-trace lines"
} | tee -a "$OUT/summary.txt"
exit "$status"
