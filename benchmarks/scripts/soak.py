#!/usr/bin/env python3
"""Soak driver for onceonly-server (run by benchmarks/soak.sh; standard library only).

Drives one running server with mixed traffic from N threads for a fixed time, samples the
server process while it runs, checks invariants at the end and writes a summary.

Traffic mix (per operation, chosen at random with fixed weights):
  check-lock   POST /v1/check-lock of a new key                      (must answer locked)
  dup-lock     POST /v1/check-lock of a key this thread locked       (must answer duplicate)
  lease        POST /v1/ai/lease of a new key, the "work", then POST /v1/ai/complete
               (acquired, then completed; a second lease must answer completed)
  run-tool     POST /v1/ai/run in tool mode on a registered loopback tool with a unique
               call id in the args (the tool counts the calls it gets per call id)
  policies     GET /v1/policies
  metrics      GET /v1/agents/{agent}/metrics

Invariants checked at the end (exit code 1 when one fails):
  - no transport error, no 5xx other than 503 with Retry-After (the documented outage answer),
    no other non-2xx answer;
  - every check-lock of a new key answered locked, every repeat answered duplicate;
  - every lease acquired once and completed; at the end /v1/ai/result of a sample of them
    returns the completed result;
  - every runTool that answered executed reached the tool exactly once (no duplicate execution);
  - memory flat: the live heap (after a full GC, sampled by jcmd) in the last quarter of the
    run is at most 1.5 x the largest live heap of the second quarter + 16 MB;
  - no error growth: errors in the second half <= errors in the first half.
"""

import argparse
import collections
import http.client
import http.server
import json
import random
import re
import socketserver
import subprocess
import sys
import threading
import time
import uuid


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--tool-port", type=int, required=True)
    p.add_argument("--seconds", type=int, default=600)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--pg-port", type=int, default=0, help="count the server's PostgreSQL connections")
    p.add_argument("--sample-every", type=int, default=30)
    p.add_argument("--out", required=True, help="summary file")
    return p.parse_args()


# ---- the loopback tool: counts calls per call id


TOOL_CALLS = collections.Counter()
TOOL_LOCK = threading.Lock()


class ToolHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        call_id = None
        try:
            data = json.loads(body or b"{}")
            args = data.get("args", data) if isinstance(data, dict) else {}
            call_id = args.get("call_id") if isinstance(args, dict) else None
        except ValueError:
            pass
        with TOOL_LOCK:
            TOOL_CALLS[call_id] += 1
        out = json.dumps({"echo": call_id}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


# ---- the client


class Api:
    def __init__(self, host, port, key):
        self.host, self.port, self.key = host, port, key
        self.conn = None

    def call(self, method, path, body=None):
        """(status, json-or-None, headers dict, seconds) or raises OSError/HTTPException."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": "Bearer " + self.key, "Content-Type": "application/json"}
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        elapsed = time.perf_counter() - start
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed, dict(response.getheaders()), elapsed


class Stats:
    def __init__(self, start):
        self.lock = threading.Lock()
        self.start = start
        self.latencies = []
        self.by_op = collections.Counter()
        self.status = collections.Counter()
        self.errors = []  # (t, op, what)
        self.per_interval = collections.Counter()  # 10 s bucket -> requests
        self.violations = []
        self.retried_503 = 0

    def record(self, op, status, elapsed):
        with self.lock:
            self.latencies.append(elapsed)
            self.by_op[op] += 1
            self.status[status] += 1
            self.per_interval[int((time.monotonic() - self.start) // 10)] += 1

    def error(self, op, what):
        with self.lock:
            self.errors.append((time.monotonic() - self.start, op, what))

    def violation(self, what):
        with self.lock:
            if len(self.violations) < 50:
                self.violations.append(what)


def worker(args, stats, deadline, agent, tool, state, seed):
    rnd = random.Random(seed)
    api = Api(args.host, args.port, args.key)
    locked_keys = []
    ops = ["check-lock"] * 30 + ["dup-lock"] * 10 + ["lease"] * 25 + ["run-tool"] * 15 \
        + ["policies"] * 10 + ["metrics"] * 10

    def call(op, method, path, body=None):
        """One request, retried while the server answers 503 + Retry-After (the documented outage answer)."""
        for _ in range(20):
            try:
                status, data, headers, elapsed = api.call(method, path, body)
            except (OSError, http.client.HTTPException) as ex:
                stats.error(op, "transport: " + type(ex).__name__)
                return None, None
            stats.record(op, status, elapsed)
            if status == 503 and "Retry-After" in headers:
                with stats.lock:
                    stats.retried_503 += 1
                time.sleep(float(headers["Retry-After"]))
                continue
            if status >= 300:
                stats.error(op, "status %d: %s" % (status, json.dumps(data)[:200]))
                return None, None
            return status, data
        stats.error(op, "still 503 after 20 retries")
        return None, None

    while time.monotonic() < deadline:
        op = rnd.choice(ops)
        if op == "check-lock" or (op == "dup-lock" and not locked_keys):
            key = "soak:lock:" + uuid.uuid4().hex
            _, data = call("check-lock", "POST", "/v1/check-lock", {"key": key, "ttl": 3600})
            if data is not None:
                if data.get("status") != "locked":
                    stats.violation("new key %s answered %s" % (key, data.get("status")))
                else:
                    locked_keys.append(key)
                    if len(locked_keys) > 200:
                        locked_keys.pop(0)
        elif op == "dup-lock":
            key = rnd.choice(locked_keys)
            _, data = call("dup-lock", "POST", "/v1/check-lock", {"key": key, "ttl": 3600})
            if data is not None and data.get("status") != "duplicate":
                stats.violation("repeated key %s answered %s" % (key, data.get("status")))
        elif op == "lease":
            key = "soak:lease:" + uuid.uuid4().hex
            _, data = call("lease", "POST", "/v1/ai/lease", {"key": key, "ttl": 60})
            if data is None:
                continue
            if data.get("status") != "acquired":
                stats.violation("new lease %s answered %s" % (key, data.get("status")))
                continue
            result = {"value": key[-8:]}
            _, done = call("complete", "POST", "/v1/ai/complete",
                           {"key": key, "lease_id": data["lease_id"], "result": result})
            if done is None:
                continue
            _, again = call("lease", "POST", "/v1/ai/lease", {"key": key, "ttl": 60})
            if again is not None and again.get("status") != "completed":
                stats.violation("completed lease %s answered %s on a second lease" % (key, again.get("status")))
            with state["lock"]:
                state["completed"].append((key, result))
        elif op == "run-tool":
            call_id = uuid.uuid4().hex
            _, data = call("run-tool", "POST", "/v1/ai/run",
                           {"agent_id": agent, "tool": tool, "args": {"call_id": call_id}})
            if data is not None:
                if data.get("decision") == "executed" and data.get("ok"):
                    with state["lock"]:
                        state["executed"].append(call_id)
                else:
                    stats.violation("runTool %s answered %s" % (call_id, json.dumps(data)[:200]))
        elif op == "policies":
            call("policies", "GET", "/v1/policies")
        else:
            call("metrics", "GET", "/v1/agents/%s/metrics?period=day" % agent)


# ---- sampling the server process


def sample(args, start):
    row = {"t": round(time.monotonic() - start)}
    pid = str(args.server_pid)
    try:
        subprocess.run(["jcmd", pid, "GC.run"], capture_output=True, timeout=60)
        info = subprocess.run(["jcmd", pid, "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
        m = re.search(r"total (\d+)K, used (\d+)K", info)
        if m:
            row["heap_committed_mb"] = round(int(m.group(1)) / 1024, 1)
            row["heap_live_mb"] = round(int(m.group(2)) / 1024, 1)
    except (OSError, subprocess.TimeoutExpired) as ex:
        row["heap_error"] = str(ex)
    try:
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    row["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
                elif line.startswith("Threads:"):
                    row["threads"] = int(line.split()[1])
    except OSError as ex:
        row["proc_error"] = str(ex)
    if args.pg_port:
        try:
            out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", "postgres", "-d",
                                  "postgres", "-tAc",
                                  "select count(*) from pg_stat_activity where backend_type = 'client backend'"
                                  " and application_name <> 'psql'"],
                                 capture_output=True, text=True, timeout=30).stdout.strip()
            row["pg_connections"] = int(out)
        except (OSError, ValueError, subprocess.TimeoutExpired) as ex:
            row["pg_error"] = str(ex)
    return row


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main():
    args = parse_args()
    tool_server = ThreadingServer(("127.0.0.1", args.tool_port), ToolHandler)
    threading.Thread(target=tool_server.serve_forever, daemon=True).start()

    setup = Api(args.host, args.port, args.key)
    suffix = uuid.uuid4().hex[:8]
    tool = "soak_tool_" + suffix
    agent = "soak-agent-" + suffix
    status, data, _, _ = setup.call("POST", "/v1/tools", {
        "name": tool, "url": "http://127.0.0.1:%d/tool" % args.tool_port, "timeout_ms": 5000, "max_retries": 0,
        "auth": {"type": "hmac_sha256", "secret": "soak-secret-" + suffix}})
    if status != 200:
        sys.exit("could not register the tool: %s %s" % (status, data))
    status, data, _, _ = setup.call("POST", "/v1/policies/" + agent, {"allowed_tools": [tool]})
    if status != 200:
        sys.exit("could not set the policy: %s %s" % (status, data))

    start = time.monotonic()
    deadline = start + args.seconds
    stats = Stats(start)
    state = {"lock": threading.Lock(), "completed": [], "executed": []}
    samples = [sample(args, start)]
    threads = [threading.Thread(target=worker, args=(args, stats, deadline, agent, tool, state, i), daemon=True)
               for i in range(args.threads)]
    for t in threads:
        t.start()
    while time.monotonic() < deadline:
        time.sleep(min(args.sample_every, max(0.0, deadline - time.monotonic())))
        samples.append(sample(args, start))
        last = samples[-1]
        print("t=%ss requests=%d errors=%d live_heap=%sMB threads=%s pg=%s" % (
            last["t"], sum(stats.by_op.values()), len(stats.errors), last.get("heap_live_mb"),
            last.get("threads"), last.get("pg_connections")), flush=True)
    for t in threads:
        t.join(60)
    elapsed = time.monotonic() - start

    # ---- invariants
    failures = []
    if stats.violations:
        failures.append("%d answer violations, e.g. %s" % (len(stats.violations), stats.violations[:3]))
    bad_status = {s: n for s, n in stats.status.items() if s >= 300 and s != 503}
    if bad_status:
        failures.append("non-2xx answers: %s" % bad_status)
    if stats.errors:
        failures.append("%d errors, e.g. %s" % (len(stats.errors), stats.errors[:3]))
    with TOOL_LOCK:
        calls = dict(TOOL_CALLS)
    executed = state["executed"]
    duplicates = [c for c in executed if calls.get(c, 0) != 1]
    if duplicates:
        failures.append("%d runTool calls reached the tool other than once, e.g. %s"
                        % (len(duplicates), [(c, calls.get(c, 0)) for c in duplicates[:3]]))
    executed_set = set(executed)
    unexpected = [c for c in calls if c not in executed_set]
    if unexpected:
        failures.append("%d tool calls without an executed answer" % len(unexpected))
    setup = Api(args.host, args.port, args.key)  # a fresh connection: the setup one idled past keep-alive
    checked = random.sample(state["completed"], min(500, len(state["completed"])))
    lost = 0
    for key, result in checked:
        status, data, _, _ = setup.call("GET", "/v1/ai/result?key=" + key)
        if status != 200 or data.get("status") != "completed" or data.get("result") != result:
            lost += 1
    if lost:
        failures.append("%d of %d completed results not read back" % (lost, len(checked)))
    heap = [(s["t"], s["heap_live_mb"]) for s in samples if "heap_live_mb" in s]
    q = args.seconds / 4
    second_quarter = [h for t, h in heap if q <= t < 2 * q]
    last_quarter = [h for t, h in heap if t >= 3 * q]
    if second_quarter and last_quarter and max(last_quarter) > 1.5 * max(second_quarter) + 16:
        failures.append("live heap grew: second quarter max %.1f MB, last quarter max %.1f MB"
                        % (max(second_quarter), max(last_quarter)))
    first_half = sum(1 for e in stats.errors if e[0] < args.seconds / 2)
    if len(stats.errors) - first_half > first_half:
        failures.append("errors grew: %d in the first half, %d in the second" % (first_half,
                                                                                   len(stats.errors) - first_half))

    lat = sorted(stats.latencies)
    total = sum(stats.by_op.values())
    intervals = [stats.per_interval[i] / 10 for i in sorted(stats.per_interval) if i < args.seconds // 10]
    lines = [
        "soak of onceonly-server: %d threads, %d s (%s)" % (args.threads, round(elapsed),
                                                           time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        "requests: %d (%.0f/s), by operation: %s" % (total, total / elapsed, dict(stats.by_op)),
        "status codes: %s; 503 retried: %d" % (dict(stats.status), stats.retried_503),
        "latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (percentile(lat, 0.5) * 1000,
                                                           percentile(lat, 0.99) * 1000, (lat[-1] if lat else 0) * 1000),
        "throughput per 10 s interval (req/s): min %.0f, max %.0f, first %s, last %s" % (
            min(intervals or [0]), max(intervals or [0]), intervals[:3], intervals[-3:]),
        "runTool: %d executed, %d tool calls, %d duplicated or missing" % (len(executed), sum(calls.values()),
                                                                           len(duplicates)),
        "leases completed: %d (%d read back, %d lost)" % (len(state["completed"]), len(checked), lost),
        "errors: %d; answer violations: %d" % (len(stats.errors), len(stats.violations)),
        "samples (t s, live heap MB after full GC, committed MB, RSS MB, threads, PostgreSQL connections):",
    ]
    for s in samples:
        lines.append("  %5s  %6s  %6s  %6s  %4s  %4s" % (s["t"], s.get("heap_live_mb"), s.get("heap_committed_mb"),
                                                         s.get("rss_mb"), s.get("threads"), s.get("pg_connections")))
    lines.append("RESULT: " + ("PASS" if not failures else "FAIL"))
    lines += ["  - " + f for f in failures]
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    tool_server.shutdown()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
