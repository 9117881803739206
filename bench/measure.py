#!/usr/bin/env python3
"""Measurements for bench/scrape. The bash script starts and stops the processes; this file only observes.

Each subcommand prints one section of the report and records its key numbers in a JSON results file
(--results), which `summary` finally reads to print the targets with PASS/MISS.

Only the standard library is used: a tiny RESP client for INFO commandstats, http.client for scrapes,
/proc for CPU and memory, jstat/jcmd for the JVM heap.
"""

import argparse
import gzip
import http.client
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

CLK_TCK = os.sysconf("SC_CLK_TCK")

# What Prometheus 2.x sends when it scrapes, so each side answers as it would answer Prometheus
# (format negotiation and gzip included).
SCRAPE_HEADERS = {
    "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
              "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "Accept-Encoding": "gzip",
    "User-Agent": "Prometheus/2.45.0",
    "X-Prometheus-Scrape-Timeout-Seconds": "10",
}


# ---------------------------------------------------------------- small helpers

def percentile(values, p):
    """Nearest-rank percentile: p99 of 300 samples is the 297th smallest."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values):
    return statistics.median(values) if values else float("nan")


def load_results(path):
    if path and os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def save_results(path, updates):
    data = load_results(path)
    data.update(updates)
    with open(path, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)


def table(headers, rows, indent="  "):
    """Prints rows as an aligned table; the first column is left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        return indent + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    print(line(cells[0]))
    print(indent + "  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


def section(title):
    print()
    print("=" * 78)
    print(title)
    print("=" * 78)


# ---------------------------------------------------------------- processes

def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (all its threads, live and exited)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5), counted from "state" = 3


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def rss_mb(pid):
    return proc_status_kb(pid, "VmRSS") / 1024


def jstat_heap_used_mb(pid):
    """Heap in use (survivors + eden + old) from jstat, which reads the JVM's perf data without attaching."""
    out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=30).stdout.split("\n")
    header, values = out[0].split(), out[1].split()
    row = {h: float(v) for h, v in zip(header, values) if v != "-"}  # "-": a column this GC does not have
    used_kb = row["S0U"] + row["S1U"] + row["EU"] + row["OU"]
    capacity_kb = row["S0C"] + row["S1C"] + row["EC"] + row["OC"]
    return used_kb / 1024, capacity_kb / 1024, row


def jcmd(pid, *command):
    return subprocess.run(["jcmd", str(pid), *command], capture_output=True, text=True, timeout=30).stdout


def heap_info(pid):
    """Parses `jcmd GC.heap_info`: heap used/committed summed over generations, and Metaspace used."""
    text = jcmd(pid, "GC.heap_info")
    used = committed = 0
    metaspace = None
    for line in text.splitlines():
        m = re.search(r"total (\d+)K, used (\d+)K", line)
        if m and "generation" in line:
            committed += int(m.group(1))
            used += int(m.group(2))
        m = re.search(r"Metaspace\s+used (\d+)K", line)
        if m:
            metaspace = int(m.group(1))
    return used / 1024, committed / 1024, (metaspace or 0) / 1024, text


# ---------------------------------------------------------------- Redis

class Redis:
    """Just enough RESP to send a command and read its reply, over one long-lived connection."""

    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def call(self, *args):
        parts = [a.encode() if isinstance(a, str) else a for a in args]
        self.sock.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
        return self._read()

    def _read(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("Redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.reader.read(n + 2)[:-2].decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def close(self):
        self.sock.close()


def commandstats(conn):
    """{command: (calls, usec)} from INFO commandstats."""
    stats = {}
    for line in conn.call("INFO", "commandstats").splitlines():
        m = re.match(r"cmdstat_(\S+?):calls=(\d+),usec=(\d+)", line)
        if m:
            stats[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return stats


def stats_delta(before, after, probe_usec):
    """after - before, minus our own probe: the INFO commandstats that took `before` is counted in `after`."""
    delta = {}
    for cmd, (calls, usec) in after.items():
        c0, u0 = before.get(cmd, (0, 0))
        if calls - c0:
            delta[cmd] = [calls - c0, usec - u0]
    if "info" in delta:
        delta["info"][0] -= 1
        delta["info"][1] = max(0, delta["info"][1] - probe_usec)
        if delta["info"][0] == 0:
            del delta["info"]
    return delta


def add_deltas(total, delta):
    for cmd, (calls, usec) in delta.items():
        t = total.setdefault(cmd, [0, 0])
        t[0] += calls
        t[1] += usec


def calibrate_probe(conn, samples=7):
    """The Redis time of one INFO commandstats, taken back to back while the peers are quiet."""
    costs = []
    previous = commandstats(conn)
    for _ in range(samples):
        current = commandstats(conn)
        calls = current["info"][0] - previous.get("info", (0, 0))[0]
        if calls == 1:  # someone else's INFO slipped in between otherwise; skip that sample
            costs.append(current["info"][1] - previous.get("info", (0, 0))[1])
        previous = current
    return median(costs) if costs else 0


def print_commands(total, polls, who):
    """Which commands one poll (or scrape) sends, and what each costs Redis."""
    rows = []
    for cmd, (calls, usec) in sorted(total.items(), key=lambda kv: -kv[1][1]):
        rows.append([cmd, f"{calls / polls:.2f}", f"{usec / calls:.1f}" if calls else "-", f"{usec / polls:.1f}"])
    rows.append(["TOTAL", f"{sum(c for c, _ in total.values()) / polls:.2f}", "",
                 f"{sum(u for _, u in total.values()) / polls:.1f}"])
    print(f"\n  Commands {who} sent per poll (INFO commandstats delta over {polls} polls):")
    table(["command", "calls/poll", "usec/call", "usec/poll"], rows, indent="    ")


# ---------------------------------------------------------------- HTTP

class Scraper:
    """Scrapes one URL over a kept-alive connection, as Prometheus does, reconnecting after an error."""

    def __init__(self, url, timeout=10, keep_alive=True, quiet=False, headers=None):
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path or "/"
        self.headers = SCRAPE_HEADERS if headers is None else headers
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.quiet = quiet
        self.conn = None
        self.errors = 0

    def get(self):
        """Returns (seconds, wire bytes, body bytes decompressed) or None after an error."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            self.conn.request("GET", self.path, headers=self.headers)
            response = self.conn.getresponse()
            body = response.read()
            took = time.perf_counter() - start
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
        except Exception as failure:  # noqa: BLE001 - any failure counts as a failed scrape
            self.errors += 1
            if not self.quiet:
                print(f"  ! scrape of {self.host}:{self.port}{self.path} failed: {failure}", file=sys.stderr)
            self.conn.close()
            self.conn = None
            return None
        if not self.keep_alive:
            self.conn.close()
            self.conn = None
        if response.getheader("Content-Encoding") == "gzip":
            return took, len(body), gzip.decompress(body)
        return took, len(body), body


def fetch_text(url, timeout=10, quiet=False):
    result = Scraper(url, timeout, quiet=quiet).get()
    if result is None:
        raise RuntimeError(f"cannot scrape {url}")
    return result[2].decode()


def samples(text):
    """Metric samples as (name, labels dict, value), comments skipped."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)", line)
        if m:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            out.append((m.group(1), labels, float(m.group(3))))
    return out


def up_counts(text):
    values = [v for name, _, v in samples(text) if name == "redis_up"]
    return sum(1 for v in values if v == 1), sum(1 for v in values if v != 1), len(values)


# ---------------------------------------------------------------- subcommands

def cmd_free_ports(args):
    socks, ports = [], []
    while len(ports) < args.count:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        socks.append(s)  # held open until all are chosen, so no port is handed out twice
        if port != 6379:
            ports.append(port)
    for s in socks:
        s.close()
    print(" ".join(map(str, ports)))


def cmd_wait_up(args):
    """Waits until /metrics shows redis_up 1 for the expected number of targets."""
    deadline = time.monotonic() + args.timeout
    start = time.monotonic()
    up = 0
    while time.monotonic() < deadline:
        try:
            up, _, _ = up_counts(fetch_text(args.url, timeout=5, quiet=True))
            if up >= args.targets:
                print(f"  {up}/{args.targets} target(s) up after {time.monotonic() - start:.1f} s")
                return 0
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.5)
    print(f"  only {up}/{args.targets} target(s) up after {args.timeout} s", file=sys.stderr)
    return 1


def cmd_exporter_cost(args):
    """Phase A: only the exporter touches Redis, and only when scraped: N scrapes per window."""
    section(f"Phase A: Redis cost per poll, exporter alone ({args.windows} windows x {args.scrapes} scrapes, "
            f"one every {args.pace:g} s)")
    conn = Redis(args.redis_port)
    scraper = Scraper(args.url)
    for _ in range(args.warmup):
        scraper.get()
    probe = calibrate_probe(conn)
    print(f"  probe overhead subtracted: 1 INFO commandstats = {probe:.0f} usec per window")
    print("  paced like the agent's polls: the same command costs Redis ~15-20 % more when its caches have gone"
          "\n  cold for a second than when it runs back to back, so both peers are measured at one pace")
    rows, per_poll, cpu_per_poll, total, total_polls = [], [], [], {}, 0
    for window in range(1, args.windows + 1):
        before, ticks0 = commandstats(conn), cpu_ticks(args.pid)
        ok, next_at = 0, time.monotonic()
        for _ in range(args.scrapes):
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += args.pace
            ok += scraper.get() is not None
        after, ticks1 = commandstats(conn), cpu_ticks(args.pid)
        delta = stats_delta(before, after, probe)
        usec = sum(u for _, u in delta.values())
        cpu_ms = (ticks1 - ticks0) * 1000 / CLK_TCK / ok
        add_deltas(total, delta)
        total_polls += ok
        per_poll.append(usec / ok)
        cpu_per_poll.append(cpu_ms)
        rows.append([window, ok, delta.get("info", [0])[0], f"{usec / ok:.1f}", f"{cpu_ms:.2f}"])
    rows.append(["median", "", "", f"{median(per_poll):.1f}", f"{median(cpu_per_poll):.2f}"])
    table(["window", "scrapes", "INFO calls", "Redis usec/poll", "exporter CPU ms/scrape"], rows)
    print_commands(total, total_polls, "the exporter")
    print("  (commandstats times command execution only; the exporter also opens a new connection per scrape,"
          "\n   whose accept/close cost Redis does not attribute to any command)")
    save_results(args.results, {"exporter_redis_usec_per_poll": median(per_poll),
                                "exporter_cpu_ms_per_scrape": median(cpu_per_poll),
                                "exporter_scrape_errors_phase_a": scraper.errors})


def cmd_agent_cost(args):
    """Phase B: only the agent touches Redis (the exporter sits unscraped); polls counted from INFO calls."""
    section(f"Phase B: Redis cost and agent CPU per poll, agent alone "
            f"({args.windows} windows x {args.window_s:.0f} s at a {args.interval} poll interval)")
    conn = Redis(args.redis_port)
    print(f"  warm-up: {args.warmup:.0f} s of polling before measuring (JIT, first CONFIG GET)")
    time.sleep(args.warmup)
    probe = calibrate_probe(conn)
    print(f"  probe overhead subtracted: 1 INFO commandstats = {probe:.0f} usec per window")
    rows, per_poll, cpu_per_poll, total, total_polls = [], [], [], {}, 0
    for window in range(1, args.windows + 1):
        before, ticks0, t0 = commandstats(conn), cpu_ticks(args.pid), time.monotonic()
        time.sleep(args.window_s)
        after, ticks1, t1 = commandstats(conn), cpu_ticks(args.pid), time.monotonic()
        delta = stats_delta(before, after, probe)
        polls = delta.get("info", [0, 0])[0]  # the agent sends exactly one INFO per poll
        if polls == 0:
            print(f"  ! window {window}: the agent sent no INFO in {t1 - t0:.0f} s", file=sys.stderr)
            continue
        usec = sum(u for _, u in delta.values())
        cpu_ms = (ticks1 - ticks0) * 1000 / CLK_TCK / polls
        add_deltas(total, delta)
        total_polls += polls
        per_poll.append(usec / polls)
        cpu_per_poll.append(cpu_ms)
        rows.append([window, f"{t1 - t0:.1f}", polls, f"{usec / polls:.1f}", ticks1 - ticks0, f"{cpu_ms:.2f}"])
    rows.append(["median", "", "", f"{median(per_poll):.1f}", "", f"{median(cpu_per_poll):.2f}"])
    table(["window", "seconds", "polls", "Redis usec/poll", "CPU ticks", "agent CPU ms/poll"], rows)
    print(f"  (CPU from /proc/PID/stat utime+stime, {1000 / CLK_TCK:.0f} ms per tick; it includes the idle JVM's"
          "\n   own background work, so it is an upper bound for the poll itself)")
    if total_polls:
        print_commands(total, total_polls, "the agent")
    save_results(args.results, {"agent_redis_usec_per_poll": median(per_poll),
                                "agent_cpu_ms_per_poll": median(cpu_per_poll),
                                "agent_polls_measured": total_polls})


def cmd_poll_duration(args):
    """The agent's own steward_poll_duration_seconds for one target, one sample per poll it made."""
    section(f"Poll duration as the agent reports it ({args.polls} polls at a {args.interval:g} s interval)")
    print("  steward_poll_duration_seconds: the whole poll, from sending the pipelined commands to the parsed"
          "\n  snapshot; a new poll is told by steward_poll_last_success_timestamp_seconds changing")
    scraper = Scraper(args.url)
    durations, seen = [], None
    deadline = time.monotonic() + args.polls * args.interval * 3 + 10
    while len(durations) < args.polls and time.monotonic() < deadline:
        result = scraper.get()
        if result is not None:
            values = {n: v for n, _, v in samples(result[2].decode())
                      if n in ("steward_poll_duration_seconds", "steward_poll_last_success_timestamp_seconds")}
            stamp = values.get("steward_poll_last_success_timestamp_seconds")
            if stamp is not None and stamp != seen and "steward_poll_duration_seconds" in values:
                if seen is not None:  # the first sample may be a poll from before this section
                    durations.append(values["steward_poll_duration_seconds"] * 1000)
                seen = stamp
        time.sleep(args.interval / 4)
    if not durations:
        print("  ! the agent reported no new poll", file=sys.stderr)
        return 1
    table(["polls", "median ms", "p90 ms", "max ms"],
          [[len(durations), f"{median(durations):.2f}", f"{percentile(durations, 90):.2f}", f"{max(durations):.2f}"]])
    save_results(args.results, {"agent_poll_duration_median_ms": median(durations),
                                "agent_poll_duration_max_ms": max(durations)})


def cmd_latency(args):
    """Scrape latency, both peers interleaved (ABBA order) so machine noise hits both alike."""
    peers = [p.split("=", 1) for p in args.peer]
    pids = dict(p.split("=", 1) for p in args.pid)
    mode = "a new TCP connection per scrape" if args.new_connection else "one kept-alive connection, as Prometheus"
    section(f"Scrape latency of /metrics, {mode}\n({args.scrapes} scrapes each, interleaved, after {args.warmup} warm-up)")
    print("  request headers as Prometheus 2.x sends them (OpenMetrics preferred, gzip accepted)")
    scrapers = {name: Scraper(url, keep_alive=not args.new_connection) for name, url in peers}
    for i in range(args.warmup):
        for name, _ in (peers if i % 2 == 0 else reversed(peers)):
            scrapers[name].get()
    times = {name: [] for name, _ in peers}
    last = {}
    ticks0 = {name: cpu_ticks(pid) for name, pid in pids.items()}
    t0 = time.monotonic()
    for i in range(args.scrapes):
        for name, _ in (peers if i % 2 == 0 else reversed(peers)):
            result = scrapers[name].get()
            if result is not None:
                times[name].append(result[0] * 1000)
                last[name] = result
    elapsed = time.monotonic() - t0
    ticks1 = {name: cpu_ticks(pid) for name, pid in pids.items()}

    rounds = args.rounds
    rows = []
    for name, _ in peers:
        t = times[name]
        chunk = max(1, len(t) // rounds)
        round_medians = [median(t[r * chunk:(r + 1) * chunk]) for r in range(rounds)]
        _, wire, body = last[name]
        series = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
        cpu = (ticks1[name] - ticks0[name]) * 1000 / CLK_TCK / len(t) if name in pids else float("nan")
        rows.append([name, len(t), scrapers[name].errors, f"{median(t):.2f}", f"{percentile(t, 90):.2f}",
                     f"{percentile(t, 99):.2f}", f"{max(t):.2f}", " / ".join(f"{m:.2f}" for m in round_medians),
                     f"{wire / 1024:.1f}", f"{len(body) / 1024:.1f}", series, f"{cpu:.2f}"])
    table(["peer", "ok", "err", "median ms", "p90 ms", "p99 ms", "max ms",
           f"medians of {rounds} rounds", "wire KiB", "text KiB", "series", "CPU ms/scrape"], rows)
    print(f"  ({elapsed:.1f} s in all; the agent's CPU/scrape also holds its background polls, 1 per second)")
    med = {name: median(times[name]) for name, _ in peers}
    p99 = {name: percentile(times[name], 99) for name, _ in peers}
    a, b = peers[0][0], peers[1][0]
    print(f"\n  ratio {a}/{b}: median {med[a] / med[b]:.2f}x, p99 {p99[a] / p99[b]:.2f}x")
    suffix = "_newconn" if args.new_connection else ""
    save_results(args.results, {f"{n}_scrape_median_ms{suffix}": med[n] for n, _ in peers}
                 | {f"{n}_scrape_p99_ms{suffix}": p99[n] for n, _ in peers}
                 | {f"{n}_scrape_errors{suffix}": scrapers[n].errors for n, _ in peers})


def cmd_memory(args):
    section("Memory at the end of the run")
    rows, updates = [], {}
    for spec in args.pid:
        name, pid = spec.split("=", 1)
        rss = rss_mb(pid)
        hwm = proc_status_kb(pid, "VmHWM") / 1024
        threads = proc_status_kb(pid, "Threads")
        heap = "-"
        if name in args.jvm:
            used, committed, metaspace, _ = heap_info(pid)
            heap = f"{used:.1f} used / {committed:.1f} committed, metaspace {metaspace:.1f}"
            updates[f"{name}_heap_used_mb"] = used
        rows.append([name, pid, f"{rss:.1f}", f"{hwm:.1f}", threads, heap])
        updates[f"{name}_rss_mb"] = rss
    table(["process", "pid", "VmRSS MB", "VmHWM MB", "threads", "JVM heap MB (jcmd GC.heap_info)"], rows)
    save_results(args.results, updates)


def cmd_jvm_flags(args):
    """The flags that decide the JVM's footprint, as the running JVM reports them."""
    flags = jcmd(args.pid, "VM.flags").split()
    keep = ("MaxHeapSize", "InitialHeapSize", "UseSerialGC", "UseG1GC", "UseParallelGC", "ReservedCodeCacheSize",
            "MaxMetaspaceSize", "CICompilerCount", "ThreadStackSize", "MaxDirectMemorySize")
    shown = [f for f in flags if f.startswith("-XX:") and any(k in f for k in keep)]
    print("  effective (jcmd VM.flags): " + " ".join(shown))


def cmd_fleet(args):
    """Many targets at a 5 s interval: CPU over a fixed window, memory trend, and whether polling keeps up."""
    section(f"Fleet: {args.targets} targets on {len(args.redis_ports)} redis-servers, "
            f"{args.interval:.0f} s poll interval, {args.window:.0f} s window")
    conns = [Redis(p) for p in args.redis_ports]
    print(f"  warm-up: {args.warmup:.0f} s more after all targets came up")
    time.sleep(args.warmup)
    probes = [calibrate_probe(c, samples=3) for c in conns]
    before = [commandstats(c) for c in conns]
    ticks_start = ticks_prev = cpu_ticks(args.pid)
    t_start = t_prev = time.monotonic()
    rows = []
    used, cap, _ = jstat_heap_used_mb(args.pid)
    rows.append(["0", "", f"{rss_mb(args.pid):.1f}", f"{used:.1f}", f"{cap:.1f}"])
    steps = max(1, round(args.window / args.sample))
    for step in range(1, steps + 1):
        time.sleep(max(0.0, t_start + step * args.sample - time.monotonic()))
        ticks, now = cpu_ticks(args.pid), time.monotonic()
        cpu = (ticks - ticks_prev) / CLK_TCK / (now - t_prev) * 100
        used, cap, _ = jstat_heap_used_mb(args.pid)  # jstat reads perf data: no CPU is charged to the agent
        rows.append([f"{now - t_start:.0f}", f"{cpu:.1f}", f"{rss_mb(args.pid):.1f}", f"{used:.1f}", f"{cap:.1f}"])
        ticks_prev, t_prev = ticks, now
    elapsed = time.monotonic() - t_start
    cpu_pct = (ticks_prev - ticks_start) / CLK_TCK / elapsed * 100
    after = [commandstats(c) for c in conns]
    table(["t s", "CPU % (interval)", "RSS MB", "heap used MB (jstat)", "heap capacity MB"], rows)
    print(f"\n  agent CPU over the window: {cpu_pct:.1f} % of one core "
          f"({(ticks_prev - ticks_start)} ticks in {elapsed:.1f} s)")

    polls = sum(stats_delta(b, a, p).get("info", [0])[0] for b, a, p in zip(before, after, probes))
    expected = args.targets * elapsed / args.interval
    print(f"  polls seen by the redis-servers: {polls} in {elapsed:.1f} s "
          f"= {polls / args.targets:.2f} per target (expected {expected / args.targets:.2f}; "
          f"{polls / expected * 100:.0f} %)")
    print(f"  agent CPU per poll in the fleet: {(ticks_prev - ticks_start) * 1000 / CLK_TCK / max(1, polls):.2f} ms")

    # After the CPU window, so these scrapes and jcmd's attach do not count in it.
    scraper, times, text = Scraper(args.url), [], ""
    for _ in range(args.scrapes):
        result = scraper.get()
        if result:
            times.append(result[0] * 1000)
            text = result[2].decode()
    up, down, reported = up_counts(text)
    durations = [v * 1000 for n, _, v in samples(text) if n == "steward_poll_duration_seconds"]
    now_s = time.time()
    ages = [now_s - v for n, _, v in samples(text) if n == "steward_poll_last_success_timestamp_seconds"]
    stale = sum(1 for a in ages if a > 2 * args.interval)
    print(f"  /metrics: redis_up 1 for {up} of {args.targets} targets ({down} with redis_up 0, "
          f"{args.targets - reported} absent); {len(text) / 1024:.0f} KiB, "
          f"{sum(1 for line in text.splitlines() if line and not line.startswith('#'))} series")
    if times:
        print(f"  /metrics scrape with {args.targets} targets: median {median(times):.1f} ms, "
              f"max {max(times):.1f} ms over {len(times)} scrapes")
    if durations:
        print(f"  last poll duration across targets: median {median(durations):.2f} ms, "
              f"p99 {percentile(durations, 99):.2f} ms, max {max(durations):.2f} ms")
    if ages:
        print(f"  last successful poll age: median {median(ages):.1f} s, max {max(ages):.1f} s; "
              f"{stale} target(s) older than 2 intervals")
    used, committed, metaspace, raw = heap_info(args.pid)
    rss = rss_mb(args.pid)
    print(f"  heap at the end (jcmd GC.heap_info): {used:.1f} MB used of {committed:.1f} MB committed; "
          f"metaspace {metaspace:.1f} MB")
    print("    " + "\n    ".join(line.strip() for line in raw.splitlines()[1:] if line.strip()))
    print(f"  RSS at the end: {rss:.1f} MB (VmHWM {proc_status_kb(args.pid, 'VmHWM') / 1024:.1f} MB, "
          f"{proc_status_kb(args.pid, 'Threads')} threads)")
    save_results(args.results, {"fleet_cpu_pct": cpu_pct, "fleet_up": up, "fleet_targets": args.targets,
                                "fleet_heap_used_mb": used, "fleet_rss_mb": rss,
                                "fleet_poll_ratio": polls / expected})


def cmd_logscan(args):
    """Counts WARN/ERROR lines in a log and shows each distinct message once."""
    for path in args.log:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        bad = [line for line in lines if re.search(r"\b(WARN|ERROR)\b|level=(warning|error|fatal)", line)]
        print(f"  {os.path.basename(path)}: {len(lines)} lines, {len(bad)} WARN/ERROR")
        seen = {}
        for line in bad:
            key = re.sub(r"^\S+\s+", "", line)  # drop the timestamp
            key = re.sub(r"\d+", "N", key)
            seen.setdefault(key, [0, line])[0] += 1
        for count, line in sorted(seen.values(), key=lambda v: -v[0])[:8]:
            print(f"    {count:4d} x  {line[:160]}")
        stack = [line for line in lines if line.startswith(("\tat ", "Caused by"))]
        if stack:
            print(f"    ({len(stack)} stack-trace lines; first: {stack[0].strip()[:120]})")


def cmd_summary(args):
    r = load_results(args.results)
    section("Summary against the targets")

    def verdict(ok):
        return "PASS" if ok else "MISS"

    rows = []
    a, e = r.get("agent_scrape_median_ms"), r.get("exporter_scrape_median_ms")
    if a and e:
        rows.append(["scrape median, agent/exporter (keep-alive)", f"{a:.2f} / {e:.2f} ms", f"{a / e:.2f}x",
                     "<= 0.50x", verdict(a / e <= 0.5)])
    a, e = r.get("agent_redis_usec_per_poll"), r.get("exporter_redis_usec_per_poll")
    if a and e:
        rows.append(["Redis usec per poll, agent/exporter", f"{a:.1f} / {e:.1f} us", f"{a / e:.2f}x", "<= 0.50x",
                     verdict(a / e <= 0.5)])
    if "agent_rss_mb" in r:
        rows.append(["agent RSS (end of the single-target run)", f"{r['agent_rss_mb']:.1f} MB", "", "< 128 MB",
                     verdict(r["agent_rss_mb"] < 128)])
    table(["target", "measured", "ratio", "goal", "verdict"], rows)
    print()
    info = []
    a, e = r.get("agent_scrape_median_ms_newconn"), r.get("exporter_scrape_median_ms_newconn")
    if a and e:
        info.append(["scrape median, new connection per scrape", f"{a:.2f} / {e:.2f} ms = {a / e:.2f}x"])
    if "agent_cpu_ms_per_poll" in r:
        info.append(["agent CPU per poll (single target)", f"{r['agent_cpu_ms_per_poll']:.2f} ms"])
    if "agent_poll_duration_median_ms" in r:
        info.append(["agent poll duration (single target), median / max",
                     f"{r['agent_poll_duration_median_ms']:.2f} / {r['agent_poll_duration_max_ms']:.2f} ms"])
    if "exporter_cpu_ms_per_scrape" in r:
        info.append(["exporter CPU per scrape (its poll + render)", f"{r['exporter_cpu_ms_per_scrape']:.2f} ms"])
    if "exporter_rss_mb" in r:
        info.append(["exporter RSS", f"{r['exporter_rss_mb']:.1f} MB"])
    if "fleet_cpu_pct" in r:
        info.append([f"fleet: agent CPU, {r['fleet_targets']} targets @5 s", f"{r['fleet_cpu_pct']:.1f} % of a core"])
        info.append(["fleet: targets with redis_up 1", f"{r['fleet_up']} / {r['fleet_targets']}"])
        info.append(["fleet: polls done vs due", f"{r['fleet_poll_ratio'] * 100:.0f} %"])
        info.append(["fleet: heap used / RSS",
                     f"{r['fleet_heap_used_mb']:.1f} MB / {r['fleet_rss_mb']:.1f} MB "
                     f"({'under' if r['fleet_rss_mb'] < 128 else 'OVER'} 128 MB)"])
    table(["for information", "value"], info)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", help="JSON file the key numbers are added to")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("free-ports")
    p.add_argument("count", type=int)
    p.set_defaults(func=cmd_free_ports)

    p = sub.add_parser("wait-up")
    p.add_argument("--url", required=True)
    p.add_argument("--targets", type=int, default=1)
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(func=cmd_wait_up)

    p = sub.add_parser("exporter-cost")
    p.add_argument("--url", required=True)
    p.add_argument("--pid", required=True)
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--scrapes", type=int, default=40)
    p.add_argument("--pace", type=float, default=1.0, help="seconds from one scrape to the next")
    p.add_argument("--windows", type=int, default=3)
    p.set_defaults(func=cmd_exporter_cost)

    p = sub.add_parser("agent-cost")
    p.add_argument("--pid", required=True)
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--interval", default="1s")
    p.add_argument("--warmup", type=float, default=20)
    p.add_argument("--window-s", type=float, default=40)
    p.add_argument("--windows", type=int, default=3)
    p.set_defaults(func=cmd_agent_cost)

    p = sub.add_parser("poll-duration")
    p.add_argument("--url", required=True)
    p.add_argument("--polls", type=int, default=20)
    p.add_argument("--interval", type=float, default=1.0, help="the agent's poll interval, in seconds")
    p.set_defaults(func=cmd_poll_duration)

    p = sub.add_parser("latency")
    p.add_argument("--peer", action="append", required=True, help="name=url; the first is the numerator")
    p.add_argument("--pid", action="append", default=[], help="name=pid")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--scrapes", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--new-connection", action="store_true", help="close the connection after each scrape")
    p.set_defaults(func=cmd_latency)

    p = sub.add_parser("memory")
    p.add_argument("--pid", action="append", required=True, help="name=pid")
    p.add_argument("--jvm", action="append", default=[], help="names that are JVMs")
    p.set_defaults(func=cmd_memory)

    p = sub.add_parser("jvm-flags")
    p.add_argument("--pid", required=True)
    p.set_defaults(func=cmd_jvm_flags)

    p = sub.add_parser("fleet")
    p.add_argument("--url", required=True)
    p.add_argument("--pid", required=True)
    p.add_argument("--redis-ports", type=lambda s: [int(x) for x in s.split(",")], required=True)
    p.add_argument("--targets", type=int, required=True)
    p.add_argument("--interval", type=float, default=5)
    p.add_argument("--warmup", type=float, default=15)
    p.add_argument("--window", type=float, default=60)
    p.add_argument("--sample", type=float, default=10)
    p.add_argument("--scrapes", type=int, default=20)
    p.set_defaults(func=cmd_fleet)

    p = sub.add_parser("logscan")
    p.add_argument("log", nargs="+")
    p.set_defaults(func=cmd_logscan)

    p = sub.add_parser("summary")
    p.set_defaults(func=cmd_summary)

    args = parser.parse_args()
    sys.exit(args.func(args) or 0)


if __name__ == "__main__":
    main()
