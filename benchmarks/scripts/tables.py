#!/usr/bin/env python3
"""Turns the result files of benchmarks/run.sh into Markdown tables.

    python3 benchmarks/scripts/tables.py [RESULT_DIR] [--out FILE]

RESULT_DIR defaults to benchmarks/target/results; the tables go to RESULT_DIR/tables.md (or FILE). It reads
machine.txt, parts.txt, jmh-t1.txt, jmh-t2.txt, memory.txt, remote.txt, store-postgres.txt, store-redis.txt,
webhook.txt and endpoint.txt, whichever exist. A part that run.sh reports as failed (parts.txt), a part whose file is
missing, and every CHECK FAILED line are said in the tables rather than left out, and a goal whose numbers are
missing is "not measured", never met.

The goals are those of issue 16 (and the cost targets of DESIGN.md §3 that the harness measures). Endpoint
throughput, p99 and CPU per request are the median of the interleaved rounds (a round still warming the JIT does not
drag the figure; the range of the rounds is shown beside it), and a ratio is one median over the other.
"""

import os
import re
import statistics
import sys

# ---------------------------------------------------------------------------------------------------------------
# reading


def read_lines(directory, name):
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as handle:
        return [line.rstrip("\n") for line in handle]


def fields(line):
    """The key=value fields of a line (values as they are written)."""
    out = {}
    for token in line.split():
        if "=" in token:
            key, _, value = token.partition("=")
            out[key] = value
    return out


def duration_ms(text):
    """A wrk duration (e.g. 812.00us, 1.20ms, 2.01s, 1.5m) in milliseconds, or None."""
    if not text:
        return None
    match = re.match(r"^([0-9.]+)(us|ms|s|m)$", text)
    if not match:
        return None
    value = float(match.group(1))
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]


def num(text):
    if text is None:
        return None
    text = text.rstrip("x")
    try:
        return float(text)
    except ValueError:
        return None


def mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def ratio(value):
    return "—" if value is None else f"{value:.2f}×"


class Results:
    def __init__(self, directory):
        self.directory = directory
        self.machine = read_lines(directory, "machine.txt")
        self.parts = self._parts()
        self.jmh = {t: read_lines(directory, f"jmh-t{t}.txt") for t in (1, 2)}
        self.memory = read_lines(directory, "memory.txt")
        self.remote = read_lines(directory, "remote.txt")
        self.stores = {b: read_lines(directory, f"store-{b}.txt") for b in ("postgres", "redis")}
        self.webhook = read_lines(directory, "webhook.txt")
        self.endpoint = read_lines(directory, "endpoint.txt")

    def _parts(self):
        """part -> (state, detail) from parts.txt: requested, ok, failed rc=N."""
        parts = {}
        for line in read_lines(self.directory, "parts.txt") or []:
            words = line.split()
            if len(words) >= 3 and words[0] == "PART":
                parts[words[1]] = (words[2], " ".join(words[3:]))
        return parts

    def part_problem(self, part, present):
        """Why a part has no numbers (None when it has them)."""
        state, detail = self.parts.get(part, (None, ""))
        if state == "failed":
            return f"**part `{part}` failed** ({detail or 'see run.log'}); its rows are missing"
        if state == "requested":
            return f"**part `{part}` did not finish** (the run stopped during it)"
        if not present:
            if self.parts and part not in self.parts:
                return f"part `{part}` was not run (not in `BENCH_ONLY`)"
            return f"**no result file for part `{part}`** (not run, or failed before writing)"
        return None


# ---------------------------------------------------------------------------------------------------------------
# parts


def machine_table(res, out):
    out.append("## Machine and load\n")
    if not res.machine:
        out.append("**machine.txt is missing.**\n")
        return
    out.append("| | |")
    out.append("|---|---|")
    for line in res.machine:
        key, sep, value = line.partition(":")
        if sep:
            out.append(f"| {key.strip()} | {value.strip().replace('|', '/')} |")
    loads = endpoint_loads(res)
    if loads:
        out.append(f"| 1-minute load during the endpoint runs | {min(loads):.2f}–{max(loads):.2f} |")
    out.append("")


def status_table(res, out):
    problems = []
    for part, (state, detail) in res.parts.items():
        if state != "ok":
            problems.append(f"| `{part}` | {state} {detail} |")
    checks = [line for line in (res.endpoint or []) + (res.webhook or []) + (res.remote or [])
              if line.startswith("CHECK FAILED")]
    out.append("## Run status\n")
    if res.parts:
        out.append("Parts: " + ", ".join(f"`{p}` {s}" for p, (s, _) in res.parts.items()) + ".\n")
    else:
        out.append("No `parts.txt` (a run from before run.sh recorded its parts): a part without its result file is "
                   "reported as missing below.\n")
    if problems:
        out.append("| part | state |")
        out.append("|---|---|")
        out.extend(problems)
        out.append("")
    if checks:
        out.append("**Checks failed** (a unique key's handler must run exactly once, a replay never; a remote-client "
                   "call must not fail):\n")
        for line in checks:
            out.append(f"- `{line}`")
        out.append("")
    elif endpoint_runs(res):
        out.append("Handler counters matched the unique keys in every endpoint run (no `CHECK FAILED` line).\n")


def endpoint_runs(res):
    runs = []
    for line in res.endpoint or []:
        if not line.startswith("RESULT endpoint "):
            continue
        words = line.split()
        f = fields(line)
        label = next((w for w in words[2:] if "=" not in w), None)
        if "backend" not in f or label is None:
            continue
        runs.append({"backend": f["backend"], "label": label, "round": f.get("round"), "rps": num(f.get("req/s")),
                     "p99": duration_ms(f.get("p99")), "cpu": num(f.get("app_cpu_us_per_req")),
                     "gc": num(f.get("gc_max_pause_ms")), "wal": num(f.get("wal_records")),
                     "requests": num(f.get("requests")), "load": num(f.get("load")),
                     "seconds": num(f.get("seconds"))})
    return runs


def endpoint_app_gc(res):
    """backend -> the largest GC pause of the whole app (the line run.sh writes when the app stops)."""
    gc = {}
    for line in res.endpoint or []:
        if line.startswith("RESULT endpoint ") and "gc_max_pause_ms=" in line and "round=" not in line \
                and " long " not in line:
            f = fields(line)
            gc[f.get("backend")] = num(f.get("gc_max_pause_ms"))
    return gc


def endpoint_loads(res):
    return [r["load"] for r in endpoint_runs(res) if r["load"] is not None]


BACKENDS = ("memory", "redis", "postgres")
BACKEND_NAMES = {"memory": "in-memory", "redis": "Redis", "postgres": "PostgreSQL (stock)"}


def endpoint_summary(res):
    """backend -> label -> {rps, p99, cpu, gc, rounds, rps_range} (means over rounds)."""
    summary = {}
    for run in endpoint_runs(res):
        entry = summary.setdefault(run["backend"], {}).setdefault(run["label"], {"runs": []})
        entry["runs"].append(run)
    for labels in summary.values():
        for entry in labels.values():
            runs = entry["runs"]
            entry["rps"] = median([r["rps"] for r in runs])
            entry["p99"] = median([r["p99"] for r in runs])
            entry["cpu"] = median([r["cpu"] for r in runs])
            gcs = [r["gc"] for r in runs if r["gc"] is not None]
            entry["gc"] = max(gcs) if gcs else None
            rps = [r["rps"] for r in runs if r["rps"] is not None]
            entry["range"] = (min(rps), max(rps)) if rps else None
            wal = [(r["wal"], r["requests"]) for r in runs if r["wal"] is not None and r["requests"]]
            entry["wal_per_req"] = (sum(w for w, _ in wal) / sum(n for _, n in wal)) if wal else None
    return summary


def endpoint_table(res, out):
    out.append("## Idempotency-Key endpoint (issue 16 method)\n")
    problem = res.part_problem("endpoint", res.endpoint is not None)
    if problem and res.endpoint is None:
        out.append(problem + "\n")
        return
    if problem:
        out.append(problem + "\n")
    summary = endpoint_summary(res)
    app_gc = endpoint_app_gc(res)
    out.append("Median of the interleaved rounds (range of the rounds in brackets); ratios against the plain twin of the "
               "same backend; CPU is the app's CPU µs per request (`/proc/<pid>/stat`); GC is the largest pause "
               "(`-Xlog:gc`) during the measured runs of that path, and of the whole app (warm-up included) in the "
               "last column.\n")
    out.append("| backend | path | req/s | × plain | p99 ms | p99 × plain | CPU µs/req | CPU over plain | GC max ms | "
               "app GC max ms |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for backend in BACKENDS:
        failed = res.parts.get(f"endpoint-{backend}")
        labels = summary.get(backend)
        if failed and failed[0] != "ok":
            out.append(f"| {BACKEND_NAMES[backend]} | **{failed[0]} {failed[1]}** (rows below, if any, are partial) "
                       "| | | | | | | | |")
        if not labels:
            if failed and failed[0] == "ok":
                out.append(f"| {BACKEND_NAMES[backend]} | **no RESULT rows** | | | | | | | | |")
            continue
        plain = labels.get("plain", {})
        for label, name in (("plain", "plain"), ("unique", "first request (unique keys)"),
                            ("replay", "replay of one key"), ("long", "first requests, one long run"),
                            ("two-commit-limit", "two-commit limit (pgbench)"),
                            ("two-inserts", "two raw autocommit inserts from an endpoint of the app")):
            entry = labels.get(label)
            if not entry:
                continue
            rng = entry["range"]
            rps = fmt(entry["rps"]) + (f" ({rng[0]:,.0f}–{rng[1]:,.0f})" if rng and len(entry["runs"]) > 1 else "")
            # the long run is the GC goal's (its length differs from the rounds'), so it gets no ratios
            plain_only = ("plain", "two-commit-limit", "long", "two-inserts")
            vs = "" if label in plain_only else ratio(div(entry["rps"], plain.get("rps")))
            p99vs = "" if label in plain_only else ratio(div(entry["p99"], plain.get("p99")))
            over = "" if label in plain_only else fmt(sub(entry["cpu"], plain.get("cpu")), 0, "")
            wal = f"; {entry['wal_per_req']:.2f} WAL records/request" if entry.get("wal_per_req") is not None \
                and label != "two-commit-limit" else ""
            app = fmt(app_gc.get(backend), 0) if label == "plain" else ""
            out.append(f"| {BACKEND_NAMES[backend]} | {name}{wal} | {rps} | {vs} | {fmt(entry['p99'], 1)} | {p99vs} | "
                       f"{fmt(entry['cpu'])} | {over} | {fmt(entry['gc'], 0)} | {app} |")
        if "two-commit-limit" in labels and "unique" in labels:
            lim = labels["two-commit-limit"]["rps"]
            out.append(f"| {BACKEND_NAMES[backend]} | first requests / two-commit limit | | "
                       f"{ratio(div(labels['unique']['rps'], lim))} | | | | | | |")
        if "two-inserts" in labels and "unique" in labels:
            out.append(f"| {BACKEND_NAMES[backend]} | first requests / two raw inserts from the app | | "
                       f"{ratio(div(labels['unique']['rps'], labels['two-inserts']['rps']))} | | | | | | |")
        if "replay" in labels and "unique" in labels:
            out.append(f"| {BACKEND_NAMES[backend]} | replay / first request | | "
                       f"{ratio(div(labels['replay']['rps'], labels['unique']['rps']))} | | | | | | |")
    out.append("")


def div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def sub(a, b):
    if a is None or b is None:
        return None
    return a - b


def store_ratios(res):
    """(backend, label, threads) -> (throughput ratio, p50 ratio)."""
    ratios = {}
    for backend, lines in res.stores.items():
        for line in lines or []:
            match = re.match(r"^RATIO (\S+) (.+?)\s+threads=(\d+)\s+throughput=([0-9.]+)x p50=([0-9.]+)x", line)
            if match:
                ratios[(match.group(1), match.group(2).strip(), int(match.group(3)))] = (
                    float(match.group(4)), float(match.group(5)))
    return ratios


def store_results(res):
    results = {}
    for lines in res.stores.values():
        for line in lines or []:
            match = re.match(r"^RESULT (\S+) (.+?)\s+threads=(\d+)\s+ops/s=\s*([0-9.]+) p50=\s*([0-9.]+) us "
                             r"p99=\s*([0-9.]+) us", line)
            if match:
                results[(match.group(1), match.group(2).strip(), int(match.group(3)))] = tuple(
                    float(match.group(i)) for i in (4, 5, 6))
    return results


def stores_table(res, out):
    out.append("## Store-level ratios (StoreLoad)\n")
    ratios = store_ratios(res)
    results = store_results(res)
    for backend in ("postgres", "redis"):
        problem = res.part_problem("stores", res.stores[backend] is not None)
        if problem or not any(k[0] == backend for k in ratios):
            out.append(f"- {backend}: {problem or 'no RATIO lines in store-' + backend + '.txt (the part failed?)'}")
    out.append("")
    if not ratios:
        return
    labels = sorted({k[1] for k in ratios}, key=lambda l: (not l.startswith("check-lock"), l))
    out.append("Throughput × the raw operation (`INSERT … ON CONFLICT DO NOTHING` / `SET NX PX`), p50 × in brackets:\n")
    out.append("| comparison | PostgreSQL 1 thread | PostgreSQL 8 threads | Redis 1 thread | Redis 8 threads |")
    out.append("|---|---|---|---|---|")
    for label in labels:
        cells = []
        for backend in ("postgres", "redis"):
            for threads in (1, 8):
                value = ratios.get((backend, label, threads))
                cells.append(f"{value[0]:.2f}× ({value[1]:.2f}×)" if value else "—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    if results:
        phases = []
        for key in results:
            if key[1] not in phases:
                phases.append(key[1])
        phases.sort(key=lambda phase: not phase.startswith("raw"))  # the raw operations first, then as run
        out.append("Absolute (ops/s · p50 / p99 µs):\n")
        out.append("| phase | PostgreSQL 1 | PostgreSQL 8 | Redis 1 | Redis 8 |")
        out.append("|---|---|---|---|---|")
        for phase in phases:
            cells = []
            for backend in ("postgres", "redis"):
                for threads in (1, 8):
                    value = results.get((backend, phase, threads))
                    cells.append(f"{value[0]:,.0f} · {value[1]:.0f} / {value[2]:.0f}" if value else "—")
            out.append(f"| {phase} | " + " | ".join(cells) + " |")
        out.append("")
    redis = [line for line in res.stores.get("redis") or [] if line.startswith("REDIS ")]
    if redis:
        out.append("Redis `INFO commandstats` of the run:\n")
        for line in redis:
            stat = line.split()[1]
            name, _, values = stat.partition(":")
            name = name.replace("cmdstat_", "")
            f = fields(values.replace(",", " "))
            out.append(f"- `{name}`: {f.get('calls', '?')} calls, {f.get('usec_per_call', '?')} µs per call")
        out.append("")


def remote_ratios(res):
    ratios = {}
    for line in res.remote or []:
        match = re.match(r"^RATIO (.+?)\s+threads=(\d+)\s+throughput=([0-9.]+)x p50=([0-9.]+)x", line)
        if match:
            ratios[(match.group(1).strip(), int(match.group(2)))] = (float(match.group(3)), float(match.group(4)))
    return ratios


def remote_table(res, out):
    out.append("## Remote client vs raw WebClient (RemoteLoad)\n")
    problem = res.part_problem("remote", res.remote is not None)
    if problem:
        out.append(problem + "\n")
        if res.remote is None:
            return
    results = [line for line in res.remote or [] if line.startswith("RESULT ")]
    if results:
        out.append("| call | threads | calls/s | p50 µs | p99 µs |")
        out.append("|---|---|---|---|---|")
        for line in results:
            match = re.match(r"^RESULT (.+?)\s+threads=(\d+)\s+ops/s=\s*([0-9.]+) p50=\s*([0-9.]+) us "
                             r"p99=\s*([0-9.]+) us", line)
            if match:
                out.append(f"| {match.group(1)} | {match.group(2)} | {float(match.group(3)):,.0f} | "
                           f"{match.group(4)} | {match.group(5)} |")
        out.append("")
    costs = [line for line in res.remote or [] if line.startswith("COST ")]
    if costs:
        out.append("Cost per call of the whole process (callers, HTTP threads and the stub alike), which load distorts "
                   "less than throughput:\n")
        out.append("| call | threads | CPU µs/call | allocated B/call | load |")
        out.append("|---|---|---|---|---|")
        for line in costs:
            match = re.match(r"^COST (.+?)\s+threads=(\d+)", line)
            f = fields(line)
            if match:
                out.append(f"| {match.group(1)} | {match.group(2)} | {f.get('cpu_us_per_call', '—')} | "
                           f"{f.get('alloc_bytes_per_call', '—')} | {f.get('load', '—')} |")
        out.append("")
    ratios = remote_ratios(res)
    if ratios:
        out.append("| comparison | threads | throughput | p50 |")
        out.append("|---|---|---|---|")
        for (label, threads), (thr, p50) in ratios.items():
            out.append(f"| {label} | {threads} | {thr:.2f}× | {p50:.2f}× |")
        out.append("")


def webhook_summary(res):
    plain, idem, replay = [], [], None
    for line in res.webhook or []:
        if not line.startswith("RESULT webhook"):
            continue
        f = fields(line)
        rps = num(f.get("req/s"))
        if " plain " in line:
            plain.append((rps, duration_ms(f.get("p99"))))
        elif "idempotent-replay" in line:
            replay = (rps, duration_ms(f.get("p99")))
        elif " idempotent " in line:
            idem.append((rps, duration_ms(f.get("p99"))))
    return plain, idem, replay


def webhook_table(res, out):
    out.append("## `@IdempotentWebhook` vs its unannotated twin\n")
    problem = res.part_problem("webhook", res.webhook is not None)
    if problem:
        out.append(problem + "\n")
        if res.webhook is None:
            return
    plain, idem, replay = webhook_summary(res)
    p = mean([r for r, _ in plain])
    out.append("| endpoint | rounds | req/s (mean) | × plain | p99 ms (mean) |")
    out.append("|---|---|---|---|---|")
    out.append(f"| plain | {len(plain)} | {fmt(p)} | | {fmt(mean([q for _, q in plain]), 1)} |")
    i = mean([r for r, _ in idem])
    out.append(f"| `@IdempotentWebhook`, new event ids | {len(idem)} | {fmt(i)} | {ratio(div(i, p))} | "
               f"{fmt(mean([q for _, q in idem]), 1)} |")
    if replay:
        out.append(f"| `@IdempotentWebhook`, one id replayed | 1 | {fmt(replay[0])} | {ratio(div(replay[0], p))} | "
                   f"{fmt(replay[1], 1)} |")
    out.append("")


def memory_rows(res):
    rows = []
    for line in res.memory or []:
        match = re.match(r"^RESULT memory (.+?)\s+keys=(\d+).*bytes/key=([0-9.]+)", line)
        if match:
            rows.append((match.group(1).strip(), int(match.group(2)), float(match.group(3))))
    return rows


def memory_table(res, out):
    out.append("## Memory per key (in-memory store, MemoryPerKey)\n")
    problem = res.part_problem("memory", res.memory is not None)
    if problem:
        out.append(problem + "\n")
        if res.memory is None:
            return
    out.append("| entries | keys | bytes/key |")
    out.append("|---|---|---|")
    for name, keys, per_key in memory_rows(res):
        out.append(f"| {name} | {keys:,} | {per_key:.1f} |")
    out.append("")


def jmh_scores(lines):
    scores = {}
    for line in lines or []:
        match = re.match(r"^\S+\.(\w+)\s+\w+\s+\d+\s+([0-9.]+)\s+(?:±\s+([0-9.]+)\s+)?(\S+)$", line)
        if match:
            scores[match.group(1)] = (float(match.group(2)), float(match.group(3)) if match.group(3) else None,
                                      match.group(4))
    return scores


def jmh_table(res, out):
    out.append("## Annotation overhead (JMH, AnnotationOverheadBenchmark)\n")
    problem = res.part_problem("jmh", any(res.jmh.values()))
    if problem:
        out.append(problem + "\n")
        if not any(res.jmh.values()):
            return
    scores = {t: jmh_scores(res.jmh[t]) for t in (1, 2)}
    names = []
    for t in (1, 2):
        for name in scores[t]:
            if name not in names:
                names.append(name)
    out.append("| benchmark | 1 thread | 2 threads |")
    out.append("|---|---|---|")
    for name in names:
        cells = []
        for t in (1, 2):
            s = scores[t].get(name)
            cells.append(f"{s[0]:,.1f} ± {s[1]:,.1f} {s[2]}" if s and s[1] is not None else
                         (f"{s[0]:,.1f} {s[2]}" if s else "—"))
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("")


# ---------------------------------------------------------------------------------------------------------------
# goals


class Goal:
    def __init__(self, what, target, measured, met):
        self.what, self.target, self.measured, self.met = what, target, measured, met


def verdict(value, target, at_least=True):
    if value is None:
        return None
    return value >= target if at_least else value <= target


def goals(res):
    summary = endpoint_summary(res)
    found = []

    def endpoint_value(backend, label, key="rps"):
        return summary.get(backend, {}).get(label, {}).get(key)

    # first requests
    m_first = div(endpoint_value("memory", "unique"), endpoint_value("memory", "plain"))
    m_p99 = div(endpoint_value("memory", "unique", "p99"), endpoint_value("memory", "plain", "p99"))
    met = None if m_first is None or m_p99 is None else (m_first >= 0.9 and m_p99 <= 2.0)
    found.append(Goal("Idempotency-Key first requests, in-memory", "≥ 0.90× plain, p99 ≤ 2× plain's",
                      f"{ratio(m_first)}, p99 {ratio(m_p99)}", met))
    r_first = div(endpoint_value("redis", "unique"), endpoint_value("redis", "plain"))
    found.append(Goal("Idempotency-Key first requests, Redis", "≥ 0.60× plain", ratio(r_first),
                      verdict(r_first, 0.6)))
    p_first = div(endpoint_value("postgres", "unique"), endpoint_value("postgres", "two-commit-limit"))
    found.append(Goal("Idempotency-Key first requests, PostgreSQL (stock)", "≥ 0.80× the two-commit limit",
                      ratio(p_first), verdict(p_first, 0.8)))
    p_app = div(endpoint_value("postgres", "unique"), endpoint_value("postgres", "two-inserts"))
    found.append(Goal("Idempotency-Key first requests, PostgreSQL (stock)",
                      "≥ 0.80× two raw autocommit inserts per request from an endpoint of the same app",
                      ratio(p_app), verdict(p_app, 0.8)))
    # replays
    m_replay = div(endpoint_value("memory", "replay"), endpoint_value("memory", "plain"))
    found.append(Goal("replays, in-memory", "≥ 0.95× plain", ratio(m_replay), verdict(m_replay, 0.95)))
    r_replay = div(endpoint_value("redis", "replay"), endpoint_value("redis", "plain"))
    found.append(Goal("replays, Redis", "≥ 0.80× plain", ratio(r_replay), verdict(r_replay, 0.8)))
    p_replay = div(endpoint_value("postgres", "replay"), endpoint_value("postgres", "unique"))
    found.append(Goal("replays, PostgreSQL", "≥ 2× its first requests", ratio(p_replay), verdict(p_replay, 2.0)))
    wal = endpoint_value("postgres", "replay", "wal_per_req")
    found.append(Goal("replays: one read round trip, no write", "no store write; PostgreSQL: no row lock, no WAL "
                      "record (tests: `ReplayRoundTripTests`, `JdbcPostgresStoreTests`)",
                      "WAL records per replay in this run: " + (f"{wal:.2f}" if wal is not None else "—")
                      + " (the cluster's whole WAL, autovacuum included)", "test"))
    # CPU
    cpu = sub(endpoint_value("memory", "unique", "cpu"), endpoint_value("memory", "plain", "cpu"))
    found.append(Goal("protection CPU per first request, in-memory", "≤ 40 µs over plain",
                      fmt(cpu, 0, " µs") + (f" ({fmt(endpoint_value('memory', 'unique', 'cpu'))} vs "
                                            f"{fmt(endpoint_value('memory', 'plain', 'cpu'))} µs)" if cpu is not None
                                            else ""), verdict(cpu, 40, at_least=False)))
    # webhook
    plain, idem, _ = webhook_summary(res)
    w = div(mean([r for r, _ in idem]), mean([r for r, _ in plain]))
    found.append(Goal("`@IdempotentWebhook`", "≥ 0.90× its unannotated twin", ratio(w), verdict(w, 0.9)))
    # remote
    remote = remote_ratios(res)
    for threads in sorted({t for (_, t) in remote} or {1, 4}):
        for label, baseline in (("remote client vs raw WebClient", "raw `WebClient.builder()` (Reactor Netty)"),
                                ("remote client vs raw WebClient, same JDK transport",
                                 "raw WebClient on the JDK HttpClient (client on the JDK transport)")):
            value = remote.get((label, threads))
            if value is None and label.endswith("transport") and remote:
                continue  # a run from before RemoteLoad measured the same-transport baseline
            found.append(Goal(f"remote client, {threads} thread{'s' if threads > 1 else ''}", f"≥ 0.90× {baseline}",
                              ratio(value[0] if value else None), verdict(value[0] if value else None, 0.9)))
    # stores
    ratios = store_ratios(res)
    for backend, name in (("redis", "Redis"), ("postgres", "PostgreSQL")):
        for threads in (1, 8):
            value = ratios.get((backend, "check-lock vs raw", threads))
            found.append(Goal(f"store check-lock, {name}, {threads} thread{'s' if threads > 1 else ''}",
                              "≥ 0.90× the raw operation", ratio(value[0] if value else None),
                              verdict(value[0] if value else None, 0.9)))
    for backend, name in (("redis", "Redis"), ("postgres", "PostgreSQL")):
        value = ratios.get((backend, "lease+complete vs 2 raw", 8))
        found.append(Goal(f"store lease + complete, {name}, 8 threads", "≥ 0.80× two raw operations",
                          ratio(value[0] if value else None), verdict(value[0] if value else None, 0.8)))
    # memory / GC
    found.append(Goal("in-memory stored responses bounded by configuration", "a byte bound, not only a key count",
                      "`onceonly.store.memory.max-bytes` (test: `InMemoryStoreBytesTests`)", "test"))
    long_gc = summary.get("memory", {}).get("long", {})
    gc = long_gc.get("gc")
    seconds = mean([r["seconds"] for r in long_gc.get("runs", [])])
    measured = (f"{fmt(gc, 1, ' ms')} largest pause in the {fmt(seconds)}-s in-memory run" if long_gc.get("runs")
                else "— (no long in-memory run)")
    others = [f"{BACKEND_NAMES[b]} {fmt(summary[b]['long']['gc'], 1, ' ms')}" for b in ("redis", "postgres")
              if summary.get(b, {}).get("long", {}).get("gc") is not None]
    if others:
        measured += "; " + ", ".join(others)
    found.append(Goal("GC pauses, sample at its default heap", "no pause over 50 ms in a 20-s run", measured,
                      verdict(gc, 50, at_least=False) if seconds is not None and seconds >= 20 else
                      (None if gc is None else ("short" if gc <= 50 else False))))
    # design targets the harness measures
    jmh = jmh_scores(res.jmh[1])
    plain_send = jmh.get("plainSend", (None,))[0]
    for name, label in (("idempotentDuplicate", "duplicate"), ("idempotentFirst", "first")):
        score = jmh.get(name, (None,))[0]
        over = sub(score, plain_send)
        over_us = over / 1000 if over is not None else None
        found.append(Goal(f"`@Idempotent` {label} call overhead (DESIGN §3, JMH 1 thread)", "≤ 1 µs",
                          fmt(over_us, 2, " µs"), verdict(over_us, 1.0, at_least=False)))
    check_lock_bytes = next((b for n, _, b in memory_rows(res) if n == "check-lock"), None)
    found.append(Goal("memory per check-lock key (DESIGN §3)", "≤ 200 B", fmt(check_lock_bytes, 1, " B"),
                      verdict(check_lock_bytes, 200, at_least=False)))
    return found


def goals_table(res, out):
    out.append("## Goals\n")
    out.append("Issue 16's goals (and DESIGN §3's cost targets the harness measures), from this run only. "
               "\"not measured\" means the part that measures it did not run or failed (see Run status).\n")
    out.append("| goal | target | measured | |")
    out.append("|---|---|---|---|")
    for goal in goals(res):
        if goal.met == "test":
            state = "by test"
        elif goal.met == "short":
            state = "not measured (run shorter than 20 s; no pause over 50 ms in it)"
        elif goal.met is None:
            state = "**not measured**"
        else:
            state = "met" if goal.met else "**missed**"
        out.append(f"| {goal.what} | {goal.target} | {goal.measured} | {state} |")
    out.append("")


def render(res):
    out = ["# Benchmark tables", "",
           f"Generated by `benchmarks/scripts/tables.py` from `{res.directory}`.", ""]
    machine_table(res, out)
    status_table(res, out)
    goals_table(res, out)
    endpoint_table(res, out)
    stores_table(res, out)
    remote_table(res, out)
    webhook_table(res, out)
    memory_table(res, out)
    jmh_table(res, out)
    return "\n".join(out).rstrip() + "\n"


def main(argv):
    args = [a for a in argv[1:]]
    out_file = None
    if "--out" in args:
        at = args.index("--out")
        if at + 1 >= len(args):
            print("--out needs a file name", file=sys.stderr)
            return 2
        out_file = args[at + 1]
        del args[at:at + 2]
    if len(args) > 1:
        print("usage: tables.py [RESULT_DIR] [--out FILE]", file=sys.stderr)
        return 2
    directory = args[0] if args else "benchmarks/target/results"
    if not os.path.isdir(directory):
        print(f"tables.py: {directory} is not a directory (expected the result directory of benchmarks/run.sh)",
              file=sys.stderr)
        return 2
    text = render(Results(directory))
    out_file = out_file or os.path.join(directory, "tables.md")
    with open(out_file, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"tables: {out_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
