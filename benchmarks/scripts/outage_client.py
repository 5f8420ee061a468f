#!/usr/bin/env python3
"""Client side of benchmarks/pg-outage.sh: drives onceonly-server while its PostgreSQL is stopped and started.

Threads send check-lock of new keys and lease + complete of new keys in a loop, and one thread polls
/actuator/health, /actuator/health/readiness and /actuator/health/liveness, all recording (time, what, status,
Retry-After, milliseconds). The script writes the timeline per second and, at the end, checks:
  - every answer is 200, or 503 with Retry-After (no other status, no transport error);
  - no check-lock key was answered locked twice; every key that got a 503 is retried after the outage and
    answers locked (its write never reached the store) or duplicate (it did: the caller's own first attempt);
  - every lease completed with a 200 reads back completed with its result.
Events are read from stdin lines "t <label>" by the wrapper (outage start and end marks).
"""

import argparse
import collections
import http.client
import json
import sys
import threading
import time
import uuid


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--seconds", type=int, required=True)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--out", required=True)
    return p.parse_args()


class Api:
    def __init__(self, port, key):
        self.port, self.key, self.conn = port, key, None

    def call(self, method, path, body=None, auth=True):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = "Bearer " + self.key
        start = time.monotonic()
        try:
            self.conn.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                              headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as ex:
            self.conn.close()
            self.conn = None
            return "transport:" + type(ex).__name__, None, None, (time.monotonic() - start) * 1000
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:200].decode(errors="replace")
        return response.status, data, response.getheader("Retry-After"), (time.monotonic() - start) * 1000


def main():
    args = parse_args()
    start = time.monotonic()
    deadline = start + args.seconds
    lock = threading.Lock()
    rows = []  # (t, what, status, retry_after, ms)
    locked = collections.Counter()
    unsure = []  # check-lock keys answered 503
    completed = []  # (key, result)
    problems = []

    def record(what, status, retry_after, ms):
        with lock:
            rows.append((time.monotonic() - start, what, status, retry_after, ms))
            if status != 200 and not (status == 503 and retry_after):
                if what.startswith("health"):
                    return
                problems.append("%s answered %s (Retry-After %s)" % (what, status, retry_after))

    def traffic(n):
        api = Api(args.port, args.key)
        i = 0
        while time.monotonic() < deadline:
            i += 1
            key = "outage:lock:%d:%d:%s" % (n, i, uuid.uuid4().hex[:8])
            status, data, ra, ms = api.call("POST", "/v1/check-lock", {"key": key, "ttl": 3600})
            record("check-lock", status, ra, ms)
            if status == 200:
                with lock:
                    locked[key] += 1 if data.get("status") == "locked" else 0
            elif status == 503:
                with lock:
                    unsure.append(key)
            lease_key = "outage:lease:%d:%d:%s" % (n, i, uuid.uuid4().hex[:8])
            status, data, ra, ms = api.call("POST", "/v1/ai/lease", {"key": lease_key, "ttl": 60})
            record("lease", status, ra, ms)
            if status == 200 and data.get("status") == "acquired":
                result = {"n": n, "i": i}
                for _ in range(200):  # the caller retries its completion while it holds the lease
                    status, done, ra, ms = api.call("POST", "/v1/ai/complete",
                                                    {"key": lease_key, "lease_id": data["lease_id"],
                                                     "result": result})
                    record("complete", status, ra, ms)
                    if status == 200:
                        with lock:
                            completed.append((lease_key, result))
                        break
                    if status == 503 and ra:
                        time.sleep(float(ra))
                        continue
                    break
            time.sleep(0.05)

    def health():
        api = Api(args.port, args.key)
        while time.monotonic() < deadline:
            for path in ("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"):
                status, data, ra, ms = api.call("GET", path, auth=False)
                record("health" + path[len("/actuator/health"):], status, ra, ms)
            time.sleep(0.5)

    marks = []

    def read_marks():
        for line in sys.stdin:
            marks.append((time.monotonic() - start, line.strip()))

    threading.Thread(target=read_marks, daemon=True).start()
    threads = [threading.Thread(target=traffic, args=(n,)) for n in range(args.threads)]
    threads.append(threading.Thread(target=health))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    api = Api(args.port, args.key)
    twice = [k for k, n in locked.items() if n > 1]
    if twice:
        problems.append("%d keys locked twice" % len(twice))
    retried = collections.Counter()
    for key in unsure:
        status, data, _, _ = api.call("POST", "/v1/check-lock", {"key": key, "ttl": 3600})
        retried[data.get("status") if status == 200 else status] += 1
    lost = 0
    for key, result in completed:
        status, data, _, _ = api.call("GET", "/v1/ai/result?key=" + key)
        if status != 200 or data.get("status") != "completed" or data.get("result") != result:
            lost += 1
    if lost:
        problems.append("%d completed results not read back" % lost)

    lines = ["marks: " + ", ".join("%.1fs %s" % m for m in marks), "timeline (second: what status x count, max ms):"]
    per_second = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0.0]))
    for t, what, status, ra, ms in rows:
        cell = per_second[int(t)]["%s %s%s" % (what, status, "+RA" if ra else "")]
        cell[0] += 1
        cell[1] = max(cell[1], ms)
    for second in sorted(per_second):
        lines.append("  %3ds  %s" % (second, "; ".join("%s x%d (%.0f ms)" % (k, v[0], v[1])
                                                       for k, v in sorted(per_second[second].items()))))
    lines.append("check-lock answered 503: %d keys; retried after the outage: %s" % (len(unsure), dict(retried)))
    lines.append("leases completed with 200: %d, read back lost: %d" % (len(completed), lost))
    lines.append("RESULT: " + ("PASS" if not problems else "FAIL"))
    lines += ["  - " + p for p in problems[:20]]
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
