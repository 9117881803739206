#!/usr/bin/env python3
"""Measurements for bench/fleet: one agent, many targets. The bash script starts and stops the processes; this
file only observes, and prints the report.

Each subcommand prints one section and records its numbers under the phase's name in a JSON results file
(--results); `summary` reads it and prints the goals with PASS/MISS.

From the Redis side, a sampler thread asks every redis-server once a second, in one round trip, for
`INFO commandstats` (the agent sends one INFO per poll, so cmdstat_info counts polls) and `CLIENT LIST` (the
agent's connections, named redis-steward: how many, and from each one's `idle` the second of its last command,
so the gaps between one target's polls). Standard library only; it reuses bench/measure.py's RESP client,
scraper, /proc readers and report helpers.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from measure import (CLK_TCK, Redis, Scraper, cpu_ticks, jcmd, load_results, median, percentile,
                     proc_status_kb, samples, save_results, section, table, up_counts)

AGENT_CLIENT_NAME = "redis-steward"  # the name the agent gives each of its connections (CLIENT SETNAME)
SAMPLER_CLIENT_NAME = "steward-bench-fleet"

# What Prometheus sends (OpenMetrics preferred, gzip), and a plain text scrape without compression.
PROMETHEUS_HEADERS = {
    "Accept": "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5",
    "Accept-Encoding": "gzip",
    "User-Agent": "Prometheus/2.45.0",
}
PLAIN_HEADERS = {"Accept": "text/plain;version=0.0.4", "User-Agent": "curl/7.88.1"}
STYLES = (("prometheus", PROMETHEUS_HEADERS), ("plain", PLAIN_HEADERS))
# The warm-up and the window are scraped as one Prometheus would: its style only, once per interval. A second
# format would make the agent prepare each poll twice, which no single Prometheus asks of it.
AS_PROMETHEUS = STYLES[:1]

POLLS_STARTED = "steward_polls_started_total"
POLLS_LATE = "steward_polls_started_late_total"


# ---------------------------------------------------------------- the agent's side

def scrape_once(scraper):
    """One scrape; a kept-alive connection the agent closed meanwhile is opened again once, as Prometheus does
    (a scrape that timed out is not tried again)."""
    began = time.monotonic()
    result = scraper.get()
    if result is None and time.monotonic() - began < 1:
        result = scraper.get()
    return result


def ready(url):
    """(ready, first line) of the agent's /-/ready: ready once every target was polled successfully; it is far
    cheaper than a full /metrics, so waiting on it does not load the agent while its targets start."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", "/-/ready")
        response = conn.getresponse()
        first = response.read().decode(errors="replace").split("\n", 1)[0]
        return response.status == 200 and first.startswith("ready"), first
    except OSError as failure:
        return False, str(failure)
    finally:
        conn.close()


def wait_ready(url, timeout):
    started = time.monotonic()
    state = ""
    while time.monotonic() - started < timeout:
        ok, state = ready(url)
        if ok:
            break
        time.sleep(0.5)
    return time.monotonic() - started, state


def oom_errors(log):
    """OutOfMemoryError lines in the agent's log: a heap too small for its targets."""
    if not log or not os.path.exists(log):
        return 0
    with open(log, errors="replace") as f:
        return sum(1 for line in f if "OutOfMemoryError" in line)


SCRAPE_TIMEOUT_S = 30  # a full /metrics of 1,000 targets is tens of MB of text


def metrics_text(url):
    """/metrics as Prometheus asks for it (decompressed), or None when the agent did not answer. Asked in the same
    format as the window's scrapes, so reading the agent's counters does not make it prepare a second format."""
    result = scrape_once(Scraper(url, timeout=SCRAPE_TIMEOUT_S, headers=PROMETHEUS_HEADERS, quiet=True))
    return result[2].decode() if result else None


def poll_counters(text):
    """(started, late) from the agent's agent-wide counters, or None when it has no such counters."""
    if text is None:
        return None
    values = {}
    for name, _, value in samples(text):
        if name in (POLLS_STARTED, POLLS_LATE):  # summed, should they ever carry labels
            values[name] = values.get(name, 0.0) + value
    if POLLS_STARTED not in values:
        return None
    return values[POLLS_STARTED], values.get(POLLS_LATE, 0.0)


def jvm_memory_after_gc(pid):
    """Heap in use right after a full GC (`jcmd GC.run`, then `GC.heap_info`), and the heap's committed size;
    None for each when the JVM does not answer in time."""
    try:
        jcmd(pid, "GC.run")
        text = jcmd(pid, "GC.heap_info")
    except subprocess.TimeoutExpired:
        return None, None, None
    used = committed = 0
    for line in text.splitlines():
        if "Metaspace" in line or "class space" in line:
            continue
        # Serial/Parallel: one line per generation; G1: "garbage-first heap total ..K, used ..K".
        m = re.search(r"total (\d+)K, used (\d+)K", line)
        if m and ("generation" in line or "heap" in line or "Gen" in line):
            committed += int(m.group(1))
            used += int(m.group(2))
    if used == 0:  # a collector that prints otherwise (ZGC): ask jstat, which reads the JVM's perf data
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=30).stdout.split("\n")
        row = {h: float(v) for h, v in zip(out[0].split(), out[1].split()) if v != "-"}
        used = sum(row.get(k, 0) for k in ("S0U", "S1U", "EU", "OU"))
        committed = sum(row.get(k, 0) for k in ("S0C", "S1C", "EC", "OC"))
    metaspace = re.search(r"Metaspace\s+used (\d+)K", text)
    return used / 1024, committed / 1024, (int(metaspace.group(1)) / 1024 if metaspace else 0.0)


def heap_line(heap, committed, metaspace):
    if heap is None:
        return "  heap after GC: n/a (jcmd got no answer in 30 s)"
    return (f"  heap after GC (jcmd GC.run, GC.heap_info): {heap:.1f} MB used of {committed:.1f} MB committed; "
            f"metaspace {metaspace:.1f} MB")


def mb(pid, key):
    return proc_status_kb(pid, key) / 1024


# ---------------------------------------------------------------- the Redis side

def parse_client_list(text):
    clients = []
    for line in text.splitlines():
        fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
        if fields:
            clients.append(fields)
    return clients


class Sampler(threading.Thread):
    """Once a second, on the second (ticks counted from its start), every server: INFO calls and the agent's
    connections. Ticks are kept; the analysis picks the ones of a window."""

    def __init__(self, ports):
        super().__init__(daemon=True)
        self.ports = ports
        self.conns = []
        for port in ports:
            conn = Redis(port)
            conn.call("CLIENT", "SETNAME", SAMPLER_CLIENT_NAME)
            self.conns.append(conn)
        self.ticks = []  # (tick, monotonic, [per server: (info calls, {agent conn id: second of last command})])
        self.stop_flag = threading.Event()
        self.errors = 0
        self.start_monotonic = time.monotonic()

    def sample(self, conn):
        conn.sock.sendall(b"*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n")
        stats, clients = conn._read(), conn._read()
        now = int(time.time())
        m = re.search(r"cmdstat_info:calls=(\d+)", stats)
        # idle: whole seconds since the connection's last command, so now - idle is the second it was sent in.
        agent = {c["id"]: now - int(c["idle"]) for c in parse_client_list(clients) if c.get("name") == AGENT_CLIENT_NAME}
        return int(m.group(1)) if m else 0, agent

    def run(self):
        tick = 0
        while not self.stop_flag.is_set():
            time.sleep(max(0.0, self.start_monotonic + tick - time.monotonic()))
            at = time.monotonic()
            try:
                self.ticks.append((tick, at, [self.sample(c) for c in self.conns]))
            except Exception as failure:  # noqa: BLE001 - a failed sample is counted and skipped
                self.errors += 1
                print(f"  ! Redis sample failed: {failure}", file=sys.stderr)
            tick += 1

    def now_tick(self):
        return int(time.monotonic() - self.start_monotonic)

    def stop(self):
        self.stop_flag.set()
        self.join(timeout=5)


def info_rates(ticks, servers):
    """Per server, the agent's INFO calls in each 1-s tick (our own INFO commandstats of the tick before taken out)."""
    per_server = [[] for _ in range(servers)]
    for (_, t0, before), (_, t1, after) in zip(ticks, ticks[1:]):
        for s in range(servers):
            per_server[s].append((after[s][0] - before[s][0] - 1) / (t1 - t0))
    return per_server


def connection_report(ticks, servers, per_server):
    """Connections named redis-steward per server, at the window's start and end, and distinct ones over it."""
    start = [len(ticks[0][2][s][1]) for s in range(servers)]
    end = [len(ticks[-1][2][s][1]) for s in range(servers)]
    distinct = [len({cid for _, _, sample in ticks for cid in sample[s][1]}) for s in range(servers)]
    return {"expected_per_server": per_server, "start_min": min(start), "start_max": max(start),
            "end_min": min(end), "end_max": max(end), "distinct_max": max(distinct), "distinct_min": min(distinct),
            "all_equal": all(x == per_server for x in start + end + distinct)}


def poll_gaps(ticks, servers, interval):
    """Seconds from one poll of a connection to its next, each poll told by the second of its last command
    moving on (by 2 s or more, so a poll seen across a second's boundary is not taken for two)."""
    gaps = []
    last = {}
    for _, _, sample in ticks:
        for s in range(servers):
            for cid, second in sample[s][1].items():
                key = (s, cid)
                previous = last.get(key)
                if previous is None:
                    last[key] = [second, None]  # the poll under way when the window opened: not a start we saw
                elif second - previous[0] >= 2:
                    if previous[1] is not None:
                        gaps.append(second - previous[1])
                    last[key] = [second, second]
    return gaps


# ---------------------------------------------------------------- subcommands

def cmd_baseline(args):
    """Phase 0: the agent with one target, for the memory it takes with (almost) nothing to watch."""
    section(f"Phase 0: the agent with 1 target ({args.interval:g} s poll interval), the baseline")
    took, state = wait_ready(args.url, 60)
    print(f"  /-/ready after {took:.1f} s: {state}; waiting {args.settle:.0f} s more")
    time.sleep(args.settle)
    rss = mb(args.pid, "VmRSS")
    heap, committed, metaspace = jvm_memory_after_gc(args.pid)
    hwm = mb(args.pid, "VmHWM")
    print(f"  RSS {rss:.1f} MB (VmHWM {hwm:.1f} MB), {proc_status_kb(args.pid, 'Threads')} threads")
    print(heap_line(heap, committed, metaspace))
    save_results(args.results, {"phase0": {"targets": 1, "rss_mb": rss, "hwm_mb": hwm, "heap_after_gc_mb": heap,
                                           "heap_committed_mb": committed, "metaspace_mb": metaspace}})


def cmd_phase(args):
    try:
        return measure_phase(args)
    except (FileNotFoundError, ProcessLookupError):  # /proc/PID is gone
        print(f"  ! the agent (pid {args.pid}) exited during {args.name}; its log is agent-{args.key}.err",
              file=sys.stderr)
        save_results(args.results, {args.key: {"failed": "the agent exited"}})
        return 1


def measure_phase(args):
    servers, targets = len(args.redis_ports), len(args.redis_ports) * args.per_server
    section(f"{args.name}: {targets} targets ({len(args.redis_ports)} redis-servers x {args.per_server} entries), "
            f"{args.interval:g} s poll interval, warm-up {args.warmup:.0f} s, window {args.window:.0f} s")
    sampler = Sampler(args.redis_ports)
    sampler.start()  # from the agent's first seconds, so its start is seen too
    started = time.monotonic()

    # Up: every target polled once, by /-/ready.
    up_after, state = wait_ready(args.url, args.up_timeout)
    print(f"  /-/ready after {up_after:.1f} s: {state}")
    print(f"  warm-up {args.warmup:.0f} s (/metrics scraped every {args.scrape_every:g} s meanwhile, as Prometheus "
          f"would)")
    start_tick = sampler.now_tick()

    scrapers = {style: Scraper(args.url, timeout=SCRAPE_TIMEOUT_S, headers=headers) for style, headers in STYLES}

    failed = {"window": 0, "back": 0}

    def scrape_both(into, stage=None, styles=STYLES):
        for style, _ in styles:
            result = scrape_once(scrapers[style])
            if result is None and stage:
                failed[stage] += 1
            if result is not None and into is not None:
                took, wire, body = result
                into[style].append((took * 1000, wire, len(body)))

    warmup_end = time.monotonic() + args.warmup
    while time.monotonic() < warmup_end:
        scrape_both(None, styles=AS_PROMETHEUS)
        time.sleep(max(0.0, min(args.scrape_every, warmup_end - time.monotonic())))

    # The window: CPU ticks, RSS every few seconds, Prometheus' scrapes, the agent's poll counters.
    text0 = metrics_text(args.url)
    counters0 = poll_counters(text0)
    window_tick0 = sampler.now_tick() + 1
    time.sleep(max(0.0, sampler.start_monotonic + window_tick0 - time.monotonic()))
    ticks0, t0 = cpu_ticks(args.pid), time.monotonic()
    rss, scrapes = [], {style: [] for style, _ in STYLES}
    next_rss, next_scrape = t0, t0 + args.scrape_every / 2
    while time.monotonic() < t0 + args.window:
        now = time.monotonic()
        if now >= next_rss:
            rss.append(mb(args.pid, "VmRSS"))
            next_rss += args.rss_every
        if now >= next_scrape:
            scrape_both(scrapes, "window", styles=AS_PROMETHEUS)
            next_scrape += args.scrape_every
        time.sleep(max(0.0, min(next_rss, next_scrape, t0 + args.window) - time.monotonic()))
    ticks1, t1 = cpu_ticks(args.pid), time.monotonic()
    window_tick1 = sampler.now_tick()
    text1 = metrics_text(args.url)
    counters1 = poll_counters(text1)
    rss.append(mb(args.pid, "VmRSS"))
    elapsed = t1 - t0
    cpu_pct = (ticks1 - ticks0) / CLK_TCK / elapsed * 100

    # After the window: back-to-back scrapes, the targets' own series, memory after a GC.
    back = {style: [] for style, _ in STYLES}
    for _ in range(args.scrapes):
        scrape_both(back, "back")
        if failed["back"] >= 2:  # an agent that cannot answer: do not wait on it 50 times
            break
    text = metrics_text(args.url) or ""
    time.sleep(1.1)
    sampler.stop()
    hwm, threads = mb(args.pid, "VmHWM"), proc_status_kb(args.pid, "Threads")
    rss_end = mb(args.pid, "VmRSS")
    heap, committed, metaspace = jvm_memory_after_gc(args.pid)

    # ---- report
    ticks = sampler.ticks
    by_tick = {t[0]: t for t in ticks}
    window = [by_tick[k] for k in range(window_tick0, window_tick1 + 1) if k in by_tick]
    start_ticks = [t for t in ticks if t[0] <= max(5, round(args.interval)) + 2]  # the first interval after launch
    if len(window) < 2:
        print(f"  ! the Redis sampler has no ticks in the window ({sampler.errors} failed)", file=sys.stderr)
        return 1
    rates = info_rates(window, servers)
    polls_redis = sum(window[-1][2][s][0] - window[0][2][s][0] for s in range(servers)) - servers * (len(window) - 1)
    redis_elapsed = window[-1][1] - window[0][1]
    due = targets * redis_elapsed / args.interval
    even = args.per_server / args.interval

    print(f"\n  agent CPU over the window: {cpu_pct:.1f} % of one core ({ticks1 - ticks0} ticks in {elapsed:.1f} s;"
          f"\n   it includes {sum(len(v) for v in scrapes.values())} full scrapes of /metrics, one every "
          f"{args.scrape_every:g} s as Prometheus makes them; the plain style is scraped only after the window)")
    print(f"  RSS (VmRSS every {args.rss_every:g} s): max {max(rss):.1f} MB, last {rss_end:.1f} MB; "
          f"VmHWM {hwm:.1f} MB; {threads} threads")
    print(heap_line(heap, committed, metaspace))
    ooms = oom_errors(args.log)
    if ooms:
        print(f"  ! the agent ran out of heap: {ooms} OutOfMemoryError line(s) in its log")

    on_time = None
    if counters0 is None or counters1 is None:
        print(f"  polls on time: n/a (agent has no {POLLS_STARTED})" if None not in (text0, text1)
              else "  polls on time: n/a (a scrape of /metrics failed)")
        started_d = late_d = None
    else:
        started_d, late_d = counters1[0] - counters0[0], counters1[1] - counters0[1]
        on_time = 1 - late_d / started_d if started_d else None
        shown = f"{on_time * 100:.2f} %" if on_time is not None else "n/a (no poll started)"
        print(f"  polls on time (the agent's counters, window deltas): {shown} "
              f"({started_d:.0f} started, {late_d:.0f} more than 10 % of the interval late)")
    print(f"  polls seen by the redis-servers (INFO calls): {polls_redis} in {redis_elapsed:.1f} s, "
          f"due {due:.0f} ({polls_redis / due * 100:.1f} %)")

    # Spread: INFO calls per server per second.
    flat = [r for server in rates for r in server]
    if not rss:
        rss = [rss_end]
    maxes = [max(server) for server in rates if server]
    medians = [median(server) for server in rates if server]
    print(f"\n  INFO calls per redis-server per second over the window (even spread: {args.per_server} targets / "
          f"{args.interval:g} s = {even:.2f}/s):")
    table(["", "median", "p99", "max", "max / even"],
          [["all servers, all seconds", f"{median(flat):.2f}", f"{percentile(flat, 99):.2f}", f"{max(flat):.2f}",
            f"{max(flat) / even:.1f}x"],
           ["per server, median of", f"{median(medians):.2f}", "", f"{median(maxes):.2f}",
            f"{median(maxes) / even:.1f}x"]], indent="    ")
    start_rates = info_rates(start_ticks, servers)
    start_max = max((max(s) for s in start_rates if s), default=0.0)
    print(f"  at the start (the agent's first {len(start_ticks) - 1} s, all targets starting together): busiest "
          f"second of any server {start_max:.0f} INFO calls = {start_max / even:.1f}x even")
    profile = None
    if args.interval >= 2:
        # Folded over the interval: calls in each 1-s slot of it, all servers and intervals of the window summed.
        slots = max(1, round(args.interval))
        profile = [0.0] * slots
        for i in range(len(rates[0])):
            profile[i % slots] += sum(rates[s][i] for s in range(servers))
        mean = sum(profile) / slots
        busiest = max(profile) / mean if mean else float("nan")
        empty = sum(1 for p in profile if p < mean * 0.1)
        print(f"  the window's INFO calls folded over the {args.interval:g} s interval, per 1-s slot (even: "
              f"{mean:.0f} each): busiest {busiest:.2f}x even, {empty} of {slots} slots (nearly) empty")
        print("    " + " ".join(f"{p:.0f}" for p in profile))
        profile_busiest = busiest
    else:
        profile_busiest = None

    conns = connection_report(window, servers, args.per_server)
    print(f"\n  the agent's connections per redis-server (CLIENT LIST name={AGENT_CLIENT_NAME}), {args.per_server} "
          f"target entries each: window start {conns['start_min']}-{conns['start_max']}, end "
          f"{conns['end_min']}-{conns['end_max']}, distinct over the window {conns['distinct_min']}-"
          f"{conns['distinct_max']} ({'one long-lived connection per target' if conns['all_equal'] else 'NOT one per target'})")
    gap_share = None
    if args.interval >= 5:
        gaps = poll_gaps(window, servers, args.interval)
        if gaps:
            limit = args.interval * 1.1 + 1
            gap_share = sum(1 for g in gaps if g <= limit) / len(gaps)
            print(f"  seconds from one poll of a connection to its next (CLIENT LIST idle, 1 s resolution): "
                  f"{len(gaps)} gaps, median {median(gaps):.0f}, min {min(gaps)}, max {max(gaps)}; "
                  f"{gap_share * 100:.2f} % within {limit:g} s (the interval + 10 % + 1 s resolution)")

    print()
    rows, lat = [], {}
    for label, data in (("during the window, every %g s" % args.scrape_every, scrapes),
                        (f"after it, {args.scrapes} back to back", back)):
        for style, _ in STYLES:
            values = data[style]
            if not values:
                continue
            ms = [v[0] for v in values]
            rows.append([label, style, len(ms), f"{median(ms):.1f}", f"{percentile(ms, 90):.1f}", f"{max(ms):.1f}",
                         f"{values[-1][1] / 1024:.0f}", f"{values[-1][2] / 1024:.0f}"])
            lat[f"{'window' if data is scrapes else 'back_to_back'}_{style}"] = {
                "n": len(ms), "median_ms": median(ms), "p90_ms": percentile(ms, 90), "max_ms": max(ms),
                "wire_bytes": values[-1][1], "body_bytes": values[-1][2]}
    print(f"  full /metrics scrape ({targets} targets); prometheus = OpenMetrics + gzip, plain = text, no gzip; "
          f"failed: {failed['window']} in the window, {failed['back']} back to back")
    table(["scrapes", "style", "n", "median ms", "p90 ms", "max ms", "wire KiB", "body KiB"], rows, indent="    ")

    up, down, reported = up_counts(text)
    found = samples(text)
    errors = sum(v for n, _, v in found if n == "steward_poll_errors_total")
    durations = [v * 1000 for n, _, v in found if n == "steward_poll_duration_seconds"]
    now_s = time.time()
    ages = [now_s - v for n, _, v in found if n == "steward_poll_last_success_timestamp_seconds"]
    series = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"\n  at the end: redis_up 1 for {up} of {targets} ({down} with 0, {targets - reported} absent); "
          f"steward_poll_errors_total {errors:.0f}; {series} series")
    if durations:
        print(f"  steward_poll_duration_seconds across targets: median {median(durations):.1f} ms, "
              f"p99 {percentile(durations, 99):.1f} ms, max {max(durations):.1f} ms")
    if ages:
        print(f"  age of the last successful poll: median {median(ages):.1f} s, max {max(ages):.1f} s")
    if sampler.errors:
        print(f"  ! {sampler.errors} Redis samples failed")

    save_results(args.results, {args.key: {
        "targets": targets, "servers": servers, "per_server": args.per_server, "interval_s": args.interval,
        "window_s": elapsed, "up_after_s": up_after, "cpu_pct": cpu_pct, "rss_max_mb": max(rss),
        "rss_last_mb": rss_end, "hwm_mb": hwm, "heap_after_gc_mb": heap, "heap_committed_mb": committed,
        "metaspace_mb": metaspace, "threads": threads,
        "polls_started": started_d, "polls_late": late_d, "on_time": on_time,
        "polls_redis": polls_redis, "polls_due": due, "info_per_s_even": even,
        "info_per_s_median": median(flat), "info_per_s_p99": percentile(flat, 99), "info_per_s_max": max(flat),
        "info_per_s_start_max": start_max, "interval_profile": profile, "profile_busiest_x": profile_busiest,
        "connections": conns, "gaps_within_share": gap_share, "scrapes": lat, "scrape_failures": failed,
        "oom_errors": ooms,
        "up": up, "poll_errors": errors, "series": series,
        "poll_duration_median_ms": median(durations) if durations else None,
        "poll_duration_max_ms": max(durations) if durations else None}})


def num(value):
    return "n/a" if value is None else f"{value:.1f}"


def cmd_summary(args):
    r = load_results(args.results)
    section("Summary against the goals")

    def verdict(ok):
        return "n/a" if ok is None else ("PASS" if ok else "MISS")

    rows, info = [], []
    base, p1, p2 = r.get("phase0"), r.get("phase1"), r.get("phase2")
    for key, p in (("phase1", p1), ("phase2", p2)):
        if not p:
            continue
        if "failed" in p:
            rows.append([key, p["failed"], "runs through", "MISS"])
            continue
        tag = f"{p['targets']} @{p['interval_s']:g}s"
        goals = key == "phase1"
        on = p["on_time"]
        rows.append([f"{tag}: polls on time", "n/a (no counters)" if on is None else f"{on * 100:.2f} %",
                     ">= 99.9 %", verdict(None if on is None else on >= 0.999)])
        if goals:
            rows.append([f"{tag}: agent CPU", f"{p['cpu_pct']:.1f} % of a core", "<= 15 %",
                         verdict(p["cpu_pct"] <= 15)])
            rows.append([f"{tag}: RSS, max over the window", f"{p['rss_max_mb']:.1f} MB", "<= 256 MB",
                         verdict(p["rss_max_mb"] <= 256)])
            scrape = p["scrapes"].get("window_prometheus")
            if scrape:
                rows.append([f"{tag}: full /metrics, max of the window's", f"{scrape['max_ms']:.1f} ms", "<= 100 ms",
                             verdict(scrape["max_ms"] <= 100)])
        rows.append([f"{tag}: polls seen by Redis / due", f"{p['polls_redis'] / p['polls_due'] * 100:.1f} %",
                     "98-102 %", verdict(0.98 <= p["polls_redis"] / p["polls_due"] <= 1.02)])
        rows.append([f"{tag}: agent connections per server", "= entries" if p["connections"]["all_equal"]
                     else f"{p['connections']['end_min']}-{p['connections']['end_max']} vs {p['per_server']}",
                     "= entries", verdict(p["connections"]["all_equal"])])
        if p.get("profile_busiest_x") is not None:
            rows.append([f"{tag}: busiest 1-s slot of the interval", f"{p['profile_busiest_x']:.2f}x even",
                         "<= 1.5x", verdict(p["profile_busiest_x"] <= 1.5)])
        rows.append([f"{tag}: targets redis_up 1", f"{p['up']} / {p['targets']}", "all",
                     verdict(p["up"] == p["targets"])])
        rows.append([f"{tag}: OutOfMemoryError in the agent's log", str(p["oom_errors"]), "0",
                     verdict(p["oom_errors"] == 0)])
        if not goals:
            info.append([f"{tag}: agent CPU", f"{p['cpu_pct']:.1f} % of a core"])
            info.append([f"{tag}: RSS max / heap after GC", f"{p['rss_max_mb']:.1f} / {num(p['heap_after_gc_mb'])} MB"])
        scrape = p["scrapes"].get("back_to_back_prometheus")
        if scrape:
            info.append([f"{tag}: /metrics back to back, median / max",
                         f"{scrape['median_ms']:.1f} / {scrape['max_ms']:.1f} ms, {scrape['body_bytes'] / 1024:.0f} KiB"])
        info.append([f"{tag}: INFO/s per server, median / max (even)",
                     f"{p['info_per_s_median']:.2f} / {p['info_per_s_max']:.2f} ({p['info_per_s_even']:.2f})"])
        if p.get("gaps_within_share") is not None:
            info.append([f"{tag}: poll gaps within interval+10%+1s (Redis side)",
                         f"{p['gaps_within_share'] * 100:.2f} %"])
        if p["window_s"] < 299:
            info.append([f"{tag}: window", f"{p['window_s']:.0f} s (shorter than the issue's 5 minutes)"])
    if base:
        info.append(["1 target: RSS / heap after GC", f"{base['rss_mb']:.1f} / {num(base['heap_after_gc_mb'])} MB"])
        if p1 and "failed" not in p1 and None not in (p1["heap_after_gc_mb"], base["heap_after_gc_mb"]):
            per = (p1["heap_after_gc_mb"] - base["heap_after_gc_mb"]) * 1024 / (p1["targets"] - 1)
            info.append([f"heap per target ({p1['targets']} vs 1, after GC)", f"{per:.1f} KiB"])
            save_results(args.results, {"heap_per_target_kib": per})
    table(["goal", "measured", "goal", "verdict"], rows)
    print()
    table(["for information", "value"], info)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="JSON file the numbers are added to")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("baseline")
    p.add_argument("--url", required=True)
    p.add_argument("--pid", required=True)
    p.add_argument("--interval", type=float, default=15)
    p.add_argument("--settle", type=float, default=30)
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser("phase")
    p.add_argument("--name", required=True)
    p.add_argument("--key", required=True, help="the phase's key in the results file")
    p.add_argument("--url", required=True)
    p.add_argument("--pid", required=True)
    p.add_argument("--redis-ports", type=lambda s: [int(x) for x in s.split(",")], required=True)
    p.add_argument("--per-server", type=int, required=True)
    p.add_argument("--interval", type=float, required=True)
    p.add_argument("--warmup", type=float, default=60)
    p.add_argument("--window", type=float, default=300)
    p.add_argument("--scrape-every", type=float, default=15)
    p.add_argument("--rss-every", type=float, default=5)
    p.add_argument("--scrapes", type=int, default=50)
    p.add_argument("--up-timeout", type=float, default=120)
    p.add_argument("--log", help="the agent's stderr, searched for OutOfMemoryError")
    p.set_defaults(func=cmd_phase)

    p = sub.add_parser("summary")
    p.set_defaults(func=cmd_summary)

    args = parser.parse_args()
    sys.exit(args.func(args) or 0)


if __name__ == "__main__":
    main()
