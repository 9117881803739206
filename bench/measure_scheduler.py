#!/usr/bin/env python3
"""Measurements for bench/scheduler: what sharing the schedule of backups through PostgreSQL costs. The bash script
starts and stops the agents and the redis-servers and creates and drops the databases; this file only observes, and
prints the report.

`phase` measures one phase and records its numbers under the phase's key in a JSON results file (--results);
`summary` reads it and prints the ratios and the exactly-once verdict.

Per agent: CPU (utime + stime of the JVM from /proc/PID/stat over the window, % of one core), RSS (VmRSS every few
seconds) and, from its /metrics (scraped as Prometheus would, every --scrape-every seconds), steward_scheduler_up,
steward_scheduler_members and the window's deltas of steward_scheduler_jobs_run_total, steward_scheduler_misfires_total
and steward_backup_failures_total. The database: pg_stat_database of the phase's own database over the window, read
with psql from the postgres database (so the reads are not counted in it). The backups: every manifest.json in the
phase's store, by its scheduled fireTime and agent. Standard library only; it reuses bench/measure.py's scraper,
/proc readers and report helpers.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

from measure import (CLK_TCK, Scraper, cpu_ticks, load_results, median, percentile, proc_status_kb, samples,
                     save_results, section, table)
from measure_fleet import PROMETHEUS_HEADERS, oom_errors, scrape_once

SCRAPE_TIMEOUT_S = 10
RSS_EVERY_S = 5
STATS_SQL = ("SELECT xact_commit + xact_rollback, tup_returned + tup_fetched, "
             "tup_inserted + tup_updated + tup_deleted, sessions, numbackends FROM pg_stat_database "
             "WHERE datname = '{db}'")


# ---------------------------------------------------------------- the agents

class Agent:
    def __init__(self, number, url, pid):
        self.number, self.url, self.pid = number, url, int(pid)
        self.scraper = Scraper(url, timeout=SCRAPE_TIMEOUT_S, headers=PROMETHEUS_HEADERS, quiet=True)
        self.scrape_failures = 0

    def alive(self):
        return os.path.exists(f"/proc/{self.pid}")

    def text(self):
        """/metrics as Prometheus asks for it, or None when the agent did not answer."""
        result = scrape_once(self.scraper)
        if result is None:
            self.scrape_failures += 1
            return None
        return result[2].decode()


def parse_agents(value):
    agents = []
    for i, item in enumerate(value.split(",")):
        url, pid = item.rsplit("=", 1)
        agents.append(Agent(i + 1, url, pid))
    return agents


class State:
    """What one scrape of an agent says about its scheduler."""

    def __init__(self, text):
        self.ok = text is not None
        self.up = self.members = None
        self.instance = ""
        self.runs, self.recovered, self.misfires, self.failures = {}, 0.0, 0.0, {}
        for name, labels, value in samples(text or ""):
            if name == "steward_scheduler_up":
                self.up = value
            elif name == "steward_scheduler_members":
                self.members = value
            elif name == "steward_scheduler_info":
                self.instance = labels.get("agent", "")
            elif name == "steward_scheduler_jobs_run_total" and labels.get("kind") == "backup":
                self.runs[labels.get("target", "")] = value
            elif name == "steward_scheduler_jobs_recovered_total":
                self.recovered += value
            elif name == "steward_scheduler_misfires_total":
                self.misfires += value
            elif name == "steward_backup_failures_total":
                reason = labels.get("reason", "?")
                self.failures[reason] = self.failures.get(reason, 0.0) + value

    def total_runs(self):
        return sum(self.runs.values())


def deltas(before, after):
    """The window's deltas of an agent's scheduler counters, None when either scrape failed."""
    if not (before.ok and after.ok):
        return None
    reasons = set(before.failures) | set(after.failures)
    return {"runs": after.total_runs() - before.total_runs(), "recovered": after.recovered - before.recovered,
            "misfires": after.misfires - before.misfires,
            "failures": {r: after.failures.get(r, 0.0) - before.failures.get(r, 0.0) for r in sorted(reasons)}}


# ---------------------------------------------------------------- PostgreSQL

def psql(args, sql):
    command = ["psql", "-X", "-Atq", "-F", "\t", "-h", "127.0.0.1", "-p", str(args.pg_port), "-U", args.pg_user,
               "-d", "postgres", "-c", sql]
    result = subprocess.run(command, capture_output=True, text=True, timeout=20,
                            env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"psql exited {result.returncode}")
    return result.stdout.strip()


def db_stats(args):
    """(transactions, tuples read, tuples written, sessions begun, sessions now) of the phase's database, as
    pg_stat_database has them."""
    line = psql(args, STATS_SQL.format(db=args.database))
    if not line:
        raise RuntimeError(f"pg_stat_database has no row for {args.database}")
    return [int(v) for v in line.split("\t")]


def postmaster(args):
    """The PostgreSQL server's postmaster pid (first line of postmaster.pid in its data directory), or None."""
    try:
        with open(os.path.join(psql(args, "SHOW data_directory"), "postmaster.pid")) as f:
            pid = int(f.readline())
        cpu_ticks(pid)
        return pid
    except (OSError, ValueError, RuntimeError, subprocess.TimeoutExpired):
        return None


def server_ticks(pid):
    """CPU ticks of the whole PostgreSQL server so far: the postmaster, its live children (backends, background
    workers), and the children it has reaped (cutime + cstime), so a backend that lived inside the window counts."""
    live = 0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
    except OSError:
        children = []
    for child in children:
        try:
            live += cpu_ticks(child)
        except OSError:
            pass  # gone meanwhile: its time is in the postmaster's cutime now
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return live + sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime


# ---------------------------------------------------------------- the backups

def iso_seconds(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def read_plan(path):
    with open(path) as f:
        return [(name, int(port), int(second)) for name, port, second in (line.split("\t") for line in f if line.strip())]


def fires_due(plan, t0, t1):
    """Every (target, second since the epoch) the schedule has in [t0, t1): each target fires at its second of the
    minute."""
    due = []
    for name, _, second in plan:
        first = int(t0 // 60 * 60) + second
        while first < t0:
            first += 60
        due.extend((name, t) for t in range(first, int(t1 - 1e-9) + 1, 60) if t < t1)
    return due


def read_manifests(store):
    """Every backup of the store: (target, fire time in epoch seconds or None, agent, started, finished, recovered)."""
    found = []
    for path in glob.glob(os.path.join(store, "*", "*", "manifest.json")):
        try:
            with open(path) as f:
                m = json.load(f)
        except (OSError, ValueError):
            continue  # being written: a manifest is renamed into place, so this is rare
        scheduled = m.get("scheduled") or {}
        fire = scheduled.get("fireTime")
        found.append({"target": m.get("target"), "fire": round(iso_seconds(fire)) if fire else None,
                      "agent": scheduled.get("agent", ""), "recovered": bool(scheduled.get("recovered")),
                      "started": iso_seconds(m["startedAt"]) if m.get("startedAt") else None,
                      "finished": iso_seconds(m["finishedAt"]) if m.get("finishedAt") else None})
    return found


def per_fire(due, manifests):
    """For each fire due: how many backups were taken for it; and the backups of the window for no due fire."""
    counts = {fire: 0 for fire in due}
    extra = 0
    lo, hi = (min(t for _, t in due), max(t for _, t in due)) if due else (0, -1)
    for m in manifests:
        key = (m["target"], m["fire"])
        if key in counts:
            counts[key] += 1
        elif m["fire"] is not None and lo <= m["fire"] <= hi:
            extra += 1
    return counts, extra


# ---------------------------------------------------------------- the phase

def wait_up(agents, store, timeout):
    """Seconds until every agent is up: a shared schedule's agents say steward_scheduler_up 1; an agent with its own
    schedule answers /metrics."""
    started = time.monotonic()
    pending = {a.number: None for a in agents}
    took = {}
    while pending and time.monotonic() - started < timeout:
        for agent in agents:
            if agent.number not in pending:
                continue
            if not agent.alive():
                raise ProcessLookupError(agent.pid)
            text = agent.text()
            state = State(text)
            if text is not None and (store == "memory" or state.up == 1):
                took[agent.number] = time.monotonic() - started
                del pending[agent.number]
        if pending:
            time.sleep(0.5)
    return took, sorted(pending)


def cmd_phase(args):
    try:
        return measure_phase(args)
    except (FileNotFoundError, ProcessLookupError) as gone:  # /proc/PID is gone
        print(f"  ! an agent exited during {args.name} ({gone}); its log is agent-{args.key}-N.err", file=sys.stderr)
        save_results(args.results, {args.key: {"failed": "an agent exited"}})
        return 1


def measure_phase(args):
    agents = parse_agents(args.agents)
    shared = args.store == "jdbc"
    busy = args.load == "busy"
    plan = read_plan(args.plan)
    section(f"{args.name}: {len(agents)} agent(s), scheduler.store {args.store}, {len(plan)} targets, "
            f"{'each backed up once a minute' if busy else 'no fire due'}; warm-up {args.warmup:.0f} s, "
            f"window {args.window:.0f} s")

    took, late = wait_up(agents, args.store, args.up_timeout)
    what = "steward_scheduler_up 1" if shared else "answering /metrics"
    if late:
        print(f"  ! agent(s) {late} not {what} after {args.up_timeout:.0f} s", file=sys.stderr)
        save_results(args.results, {args.key: {"failed": f"agent(s) {late} not up"}})
        return 1
    print(f"  {what}: " + ", ".join(f"agent {n} after {s:.1f} s" for n, s in sorted(took.items())))
    print(f"  warm-up {args.warmup:.0f} s (/metrics of each agent scraped every {args.scrape_every:g} s meanwhile, "
          f"as Prometheus would)")
    end = time.monotonic() + args.warmup
    while time.monotonic() < end:
        for agent in agents:
            agent.text()
        time.sleep(max(0.0, min(args.scrape_every, end - time.monotonic())))

    pm = postmaster(args)
    # ---- the window
    for agent in agents:
        agent.scrape_failures = 0  # those of the start (not listening yet) and the warm-up do not count
    before = [State(a.text()) for a in agents]
    ticks0 = [cpu_ticks(a.pid) for a in agents]
    t0, wall0 = time.monotonic(), time.time()
    stats0 = db_stats(args) if shared else None
    pg0 = server_ticks(pm) if pm else None
    rss = {a.number: [] for a in agents}
    members = {a.number: [] for a in agents}
    ups = {a.number: [] for a in agents}
    backends = []
    next_rss, next_scrape = t0, t0 + args.scrape_every / 2
    while time.monotonic() < t0 + args.window:
        now = time.monotonic()
        if now >= next_rss:
            for a in agents:
                rss[a.number].append(proc_status_kb(a.pid, "VmRSS") / 1024)
            next_rss += RSS_EVERY_S
        if now >= next_scrape:
            for a in agents:
                state = State(a.text())
                if state.members is not None:
                    members[a.number].append(state.members)
                if state.up is not None:
                    ups[a.number].append(state.up)
            if shared:
                backends.append(db_stats(args)[4])
            next_scrape += args.scrape_every
        time.sleep(max(0.0, min(next_rss, next_scrape, t0 + args.window) - time.monotonic()))
    ticks1 = [cpu_ticks(a.pid) for a in agents]
    t1, wall1 = time.monotonic(), time.time()
    stats1 = db_stats(args) if shared else None
    pg1 = server_ticks(pm) if pm else None
    after = [State(a.text()) for a in agents]
    elapsed = t1 - t0
    threads = [proc_status_kb(a.pid, "Threads") for a in agents]
    for a in agents:
        rss[a.number].append(proc_status_kb(a.pid, "VmRSS") / 1024)

    # ---- the backups of the window's fires, once the last ones are written
    due = fires_due(plan, wall0, wall1) if busy else []
    manifests = read_manifests(args.backups)
    waited = 0.0
    if busy:
        grace_end = time.monotonic() + args.grace
        while time.monotonic() < grace_end:
            counts, _ = per_fire(due, manifests)
            if all(n > 0 for n in counts.values()):
                break
            time.sleep(2)
            manifests = read_manifests(args.backups)
        time.sleep(2)  # a doubled backup of a fire would come a moment after the first
        manifests = read_manifests(args.backups)
        waited = time.monotonic() - t1

    # ---- report: the agents
    cpu = [(b - a) / CLK_TCK / elapsed * 100 for a, b in zip(ticks0, ticks1)]
    per_agent = []
    rows = []
    delta = [deltas(b, a) for b, a in zip(before, after)]
    for i, agent in enumerate(agents):
        seen = members[agent.number]
        d = delta[i]
        entry = {"pid": agent.pid, "instance": after[i].instance or before[i].instance, "cpu_pct": cpu[i],
                 "rss_max_mb": max(rss[agent.number]), "rss_last_mb": rss[agent.number][-1], "threads": threads[i],
                 "members_min": min(seen) if seen else None, "members_max": max(seen) if seen else None,
                 "up_min": min(ups[agent.number]) if ups[agent.number] else None,
                 "scrape_failures": agent.scrape_failures, "window": d}
        per_agent.append(entry)
        row = [f"agent {agent.number} (pid {agent.pid})", f"{cpu[i]:.2f}", f"{entry['rss_max_mb']:.1f}",
               f"{entry['rss_last_mb']:.1f}", threads[i],
               ("n/a" if not seen else f"{min(seen):.0f}" if min(seen) == max(seen)
                else f"{min(seen):.0f}-{max(seen):.0f}") if shared else "-"]
        if busy:
            row.append("n/a" if d is None else f"{d['runs']:.0f}")
        rows.append(row)
    total_cpu = sum(cpu)
    total_rss = sum(e["rss_max_mb"] for e in per_agent)
    total_runs = None if None in delta else sum(d["runs"] for d in delta)
    if len(agents) > 1:
        row = ["all agents, summed", f"{total_cpu:.2f}", f"{total_rss:.1f}",
               f"{sum(e['rss_last_mb'] for e in per_agent):.1f}", sum(threads), ""]
        if busy:
            row.append("n/a" if total_runs is None else f"{total_runs:.0f}")
        rows.append(row)
    headers = ["", "CPU % of a core", "RSS max MB", "RSS last MB", "threads", "members seen"]
    if busy:
        headers.append("jobs run")
    print(f"\n  over the window ({elapsed:.1f} s; CPU: utime+stime of each JVM; RSS every {RSS_EVERY_S} s; members: "
          f"steward_scheduler_members at each of the window's scrapes; jobs run: steward_scheduler_jobs_run_total "
          f"from the scrape just before the window to the one just after it)")
    table(headers, rows, indent="    ")
    failures = sum(a.scrape_failures for a in agents)
    if failures:
        print(f"  ! {failures} scrape(s) of /metrics failed in the window")
    down = [e for e in per_agent if e["up_min"] is not None and e["up_min"] < 1]
    if down:
        print(f"  ! steward_scheduler_up went to 0 in the window on agent(s) {[per_agent.index(e) + 1 for e in down]}")

    # ---- the database
    db = None
    if shared:
        dx, dr, dw, ds = (stats1[i] - stats0[i] for i in range(4))
        db = {"name": args.database, "transactions": dx, "transactions_per_s": dx / elapsed,
              "tuples_read_per_s": dr / elapsed, "tuples_written_per_s": dw / elapsed,
              "sessions_begun": ds, "sessions_begun_per_s": ds / elapsed,
              "backends_max": max(backends + [stats0[4], stats1[4]])}
        print(f"\n  database {args.database} (pg_stat_database, window deltas):")
        table(["", "per second", "in the window"],
              [["transactions (xact_commit + xact_rollback)", f"{dx / elapsed:.2f}", dx],
               ["tuples read (tup_returned + tup_fetched)", f"{dr / elapsed:.1f}", dr],
               ["tuples written (tup_inserted + tup_updated + tup_deleted)", f"{dw / elapsed:.2f}", dw],
               ["sessions begun (sessions: a new connection each)", f"{ds / elapsed:.2f}", ds]],
              indent="    ")
        print(f"    sessions on it (numbackends): at most {db['backends_max']} seen "
              f"(at the window's start, every scrape and its end)")
    pg_cpu = None
    if pg0 is not None and pg1 is not None:
        pg_cpu = (pg1 - pg0) / CLK_TCK / elapsed * 100
        print(f"  the PostgreSQL server's CPU (postmaster pid {pm} and all its children, reaped ones included; every "
              f"database's clients, so the machine's other users too): {pg_cpu:.2f} % of a core"
              + ("" if shared else " (no agent uses it in this phase: the background)"))

    # ---- the backups
    backups = None
    if busy:
        counts, extra = per_fire(due, manifests)
        missed = sorted(f for f, n in counts.items() if n == 0)
        doubled = sorted(f for f, n in counts.items() if n >= 2)
        done = sum(counts.values())
        ours = [m for m in manifests if (m["target"], m["fire"]) in counts]
        lag = [m["started"] - m["fire"] for m in ours if m["started"] is not None]
        took_s = [m["finished"] - m["started"] for m in ours if m["started"] is not None and m["finished"] is not None]
        failed = {}
        for d in delta:
            for reason, n in (d or {}).get("failures", {}).items():
                failed[reason] = failed.get(reason, 0.0) + n
        misfires = None if None in delta else sum(d["misfires"] for d in delta)
        recovered = None if None in delta else sum(d["recovered"] for d in delta)
        by_instance = {}
        for m in ours:
            by_instance[m["agent"]] = by_instance.get(m["agent"], 0) + 1
        names = {e["instance"]: f"agent {i + 1}" for i, e in enumerate(per_agent) if e["instance"]}
        split_manifests = [by_instance.get(e["instance"], 0) for e in per_agent]
        unknown = sum(n for inst, n in by_instance.items() if inst not in names)
        backups = {"due": len(due), "backups": done, "fires_with_one": sum(1 for n in counts.values() if n == 1),
                   "fires_with_none": len(missed), "fires_with_two_or_more": len(doubled), "extra": extra,
                   "exactly_once": not missed and not doubled and extra == 0,
                   "busy_failures": failed.get("busy", 0.0), "failures": failed, "misfires": misfires,
                   "recovered": recovered, "split_manifests": split_manifests,
                   "split_runs": [None if d is None else d["runs"] for d in delta], "other_agent_backups": unknown,
                   "start_lag_median_s": median(lag) if lag else None,
                   "start_lag_p99_s": percentile(lag, 99) if lag else None, "start_lag_max_s": max(lag, default=None),
                   "duration_median_s": median(took_s) if took_s else None,
                   "duration_max_s": max(took_s, default=None), "waited_s": waited}
        per_minute = len(plan)
        print(f"\n  backups of the window's fires ({per_minute} fires a minute; manifests in the store counted "
              f"{waited:.0f} s after the window, once every fire had one or the grace of {args.grace:.0f} s ended):")
        table(["", "value"],
              [["fires due in the window", len(due)],
               ["backups taken for them (manifests, scheduled.fireTime)", done],
               ["fires with exactly 1 backup", backups["fires_with_one"]],
               ["fires with 0 backups", len(missed)],
               ["fires with 2 or more backups", len(doubled)],
               ["backups for no due fire, fireTime in the window", extra],
               ["steward_backup_failures_total{reason=busy}, delta", f"{failed.get('busy', 0.0):.0f}"],
               ["other backup failures, delta", ", ".join(f"{r} {n:.0f}" for r, n in failed.items()
                                                         if r != "busy" and n) or "0"],
               ["steward_scheduler_misfires_total, delta", "n/a" if misfires is None else f"{misfires:.0f}"],
               ["steward_scheduler_jobs_recovered_total, delta", "n/a" if recovered is None else f"{recovered:.0f}"],
               ["start after the fire (manifest startedAt - fireTime), median / p99 / max",
                "n/a" if not lag else f"{median(lag):.2f} / {percentile(lag, 99):.2f} / {max(lag):.2f} s"],
               ["backup duration (finishedAt - startedAt), median / max",
                "n/a" if not took_s else f"{median(took_s):.2f} / {max(took_s):.2f} s"]],
              indent="    ")
        print(f"  exactly once: {'PASS' if backups['exactly_once'] else 'FAIL'}"
              + ("" if backups["exactly_once"] else
                 f" (first fires without a backup: {fmt_fires(missed)}; with two or more: {fmt_fires(doubled)})"))
        if len(agents) > 1:
            runs = backups["split_runs"]
            print("  split between the agents: manifests' scheduled.agent "
                  + " / ".join(f"{n}" for n in split_manifests)
                  + (f" (+{unknown} by an instance none of them has)" if unknown else "")
                  + "; steward_scheduler_jobs_run_total deltas "
                  + " / ".join("n/a" if n is None else f"{n:.0f}" for n in runs))

    ooms = sum(oom_errors(log) for log in glob.glob(args.logs)) if args.logs else 0
    if ooms:
        print(f"  ! an agent ran out of heap: {ooms} OutOfMemoryError line(s) in the logs")

    save_results(args.results, {args.key: {
        "oom_errors": ooms, "store": args.store, "load": args.load, "agents": len(agents), "targets": len(plan), "window_s": elapsed,
        "up_after_s": [took[a.number] for a in agents], "cpu_pct_sum": total_cpu, "cpu_pct_per_agent": cpu,
        "cpu_pct_mean": total_cpu / len(agents), "rss_max_mb_sum": total_rss, "per_agent": per_agent,
        "database": db, "pg_server_cpu_pct": pg_cpu, "backups": backups, "jobs_run": total_runs}})
    return 0


def fmt_fires(fires, most=3):
    if not fires:
        return "none"
    shown = ", ".join(f"{name} at {datetime.fromtimestamp(t, timezone.utc):%H:%M:%S}" for name, t in fires[:most])
    return shown + (f" and {len(fires) - most} more" if len(fires) > most else "")


# ---------------------------------------------------------------- summary

def ratio(a, b):
    return "n/a" if a is None or b in (None, 0) else f"{a / b:.2f}x"


def cmd_summary(args):
    r = load_results(args.results)
    keys = ["memory-idle", "jdbc-idle", "memory-busy", "jdbc-busy"]
    phases = {k: r[k] for k in keys if k in r and "failed" not in r[k]}
    section("Summary")
    rows = []
    for k in keys:
        p = r.get(k)
        if p is None:
            continue
        if "failed" in p:
            rows.append([k, p["failed"], "", "", "", "", ""])
            continue
        db = p.get("database") or {}
        b = p.get("backups") or {}
        rows.append([k, p["agents"], f"{p['cpu_pct_sum']:.2f}", f"{p['cpu_pct_mean']:.2f}",
                     f"{p['rss_max_mb_sum']:.0f}",
                     f"{db['transactions_per_s']:.2f}" if db else "-",
                     f"{b['backups']}/{b['due']}" if b else "-"])
    table(["phase", "agents", "CPU % summed", "CPU % per agent", "RSS MB summed", "DB transactions/s",
           "backups / fires due"], rows)

    mi, ji, mb, jb = (phases.get(k) for k in keys)
    lines = []
    if mi and ji:
        lines.append([f"jdbc-idle CPU, {ji['agents']} agents summed / memory-idle",
                      f"{ji['cpu_pct_sum']:.2f} / {mi['cpu_pct_sum']:.2f} %", ratio(ji["cpu_pct_sum"], mi["cpu_pct_sum"])])
        lines.append(["jdbc-idle CPU per agent / memory-idle",
                      f"{ji['cpu_pct_mean']:.2f} / {mi['cpu_pct_sum']:.2f} %",
                      ratio(ji["cpu_pct_mean"], mi["cpu_pct_sum"])])
    if mb and jb:
        lines.append([f"jdbc-busy CPU, {jb['agents']} agents summed / memory-busy",
                      f"{jb['cpu_pct_sum']:.2f} / {mb['cpu_pct_sum']:.2f} %", ratio(jb["cpu_pct_sum"], mb["cpu_pct_sum"])])
        lines.append(["jdbc-busy CPU per agent / memory-busy",
                      f"{jb['cpu_pct_mean']:.2f} / {mb['cpu_pct_sum']:.2f} %",
                      ratio(jb["cpu_pct_mean"], mb["cpu_pct_sum"])])
    for idle, busy, name in ((mi, mb, "memory"), (ji, jb, "jdbc")):
        if idle and busy and busy.get("backups") and busy["backups"]["backups"]:
            per_s = busy["backups"]["backups"] / busy["window_s"]
            ms = (busy["cpu_pct_sum"] - idle["cpu_pct_sum"]) / 100 / per_s * 1000
            lines.append([f"{name}: CPU per backup, (busy - idle) summed / backups per s", f"{ms:.0f} ms", ""])
    for p, name in ((ji, "idle"), (jb, "busy")):
        if p and p.get("database"):
            d = p["database"]
            lines.append([f"DB transactions/s, {name} ({p['agents']} agents)", f"{d['transactions_per_s']:.2f}",
                          f"reads {d['tuples_read_per_s']:.0f}/s, writes {d['tuples_written_per_s']:.1f}/s"])
    if ji and jb and ji.get("database") and jb.get("database") and jb.get("backups") and jb["backups"]["due"]:
        fires_per_s = jb["backups"]["due"] / jb["window_s"]
        per_fire = (jb["database"]["transactions_per_s"] - ji["database"]["transactions_per_s"]) / fires_per_s
        lines.append(["DB transactions per fire, (busy - idle) / fires per s", f"{per_fire:.1f}", ""])
        sessions = (jb["database"]["sessions_begun_per_s"] - ji["database"]["sessions_begun_per_s"]) / fires_per_s
        lines.append(["DB sessions begun per fire, (busy - idle) / fires per s", f"{sessions:.2f}", ""])
    for p, name in ((mi, "memory-idle"), (ji, "jdbc-idle"), (mb, "memory-busy"), (jb, "jdbc-busy")):
        if p and p.get("pg_server_cpu_pct") is not None:
            lines.append([f"PostgreSQL server CPU, {name}", f"{p['pg_server_cpu_pct']:.2f} % of a core",
                          "the whole server" if p["store"] == "jdbc" else "the whole server; no agent on it"])
    if lines:
        print()
        table(["ratio", "measured", ""], lines)

    verdicts = []
    for p, name in ((mb, "memory-busy"), (jb, "jdbc-busy")):
        if not p or not p.get("backups"):
            continue
        b = p["backups"]
        verdicts.append([f"{name}: every fire in the window got exactly one backup",
                         f"{b['fires_with_one']}/{b['due']} (0: {b['fires_with_none']}, 2+: "
                         f"{b['fires_with_two_or_more']}, extra: {b['extra']})",
                         "PASS" if b["exactly_once"] else "FAIL"])
        verdicts.append([f"{name}: busy failures / misfires", f"{b['busy_failures']:.0f} / "
                         f"{'n/a' if b['misfires'] is None else format(b['misfires'], '.0f')}",
                         "PASS" if b["busy_failures"] == 0 and not b["misfires"] else "FAIL"])
        if p["agents"] > 1:
            verdicts.append([f"{name}: jobs per agent (manifests)", " / ".join(map(str, b["split_manifests"])), ""])
    for p, name in ((ji, "jdbc-idle"), (jb, "jdbc-busy")):
        if p:
            seen = [(e["members_min"], e["members_max"]) for e in p["per_agent"]]
            ok = all(lo == hi == p["agents"] for lo, hi in seen)
            verdicts.append([f"{name}: steward_scheduler_members on every agent",
                             ", ".join("n/a" if lo is None else f"{lo:.0f}" if lo == hi else f"{lo:.0f}-{hi:.0f}"
                                       for lo, hi in seen), "PASS" if ok else "FAIL"])
    if verdicts:
        print()
        table(["check", "measured", "verdict"], verdicts)
        save_results(args.results, {"exactly_once": all(v[2] != "FAIL" for v in verdicts if "exactly one" in v[0])})

    print("\nTo run it again:")
    print(f"  {args.rerun}")
    alone = re.sub(r"BENCH_SCHED_PHASES=\S+", "BENCH_SCHED_PHASES=4", args.rerun)
    print(f"  one phase alone, e.g. jdbc-busy: {alone}")
    print("  BENCH_KEEP=1 keeps the work directory: each agent's config is $WORK/PHASE-agentN.yaml, run one with")
    print("    bin/steward serve --config $WORK/jdbc-busy-agent1.yaml   (its database must exist: createdb -h 127.0.0.1 "
          f"-p {args.pg_port} -U {args.pg_user} {args.db_prefix}_jdbc_busy)")
    print("  the database's counters, as read here (from the postgres database):")
    print(f"    psql -X -h 127.0.0.1 -p {args.pg_port} -U {args.pg_user} -d postgres -c "
          f"\"{STATS_SQL.format(db=args.db_prefix + '_jdbc_busy')}\"")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="JSON file the numbers are added to")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("phase")
    p.add_argument("--name", required=True)
    p.add_argument("--key", required=True, help="the phase's key in the results file")
    p.add_argument("--store", choices=["memory", "jdbc"], required=True)
    p.add_argument("--load", choices=["idle", "busy"], required=True)
    p.add_argument("--agents", required=True, help="URL=PID,... of each agent's /metrics and JVM")
    p.add_argument("--database", default="", help="the phase's database (jdbc)")
    p.add_argument("--plan", required=True, help="name, port and second of the minute of each target, tab-separated")
    p.add_argument("--backups", required=True, help="the phase's file:// store directory")
    p.add_argument("--warmup", type=float, default=30)
    p.add_argument("--window", type=float, default=120)
    p.add_argument("--grace", type=float, default=60)
    p.add_argument("--scrape-every", type=float, default=15)
    p.add_argument("--up-timeout", type=float, default=120)
    p.add_argument("--pg-port", type=int, default=5432)
    p.add_argument("--pg-user", default="postgres")
    p.add_argument("--logs", help="the agents' stderr (a glob), searched for OutOfMemoryError")
    p.set_defaults(func=cmd_phase)

    p = sub.add_parser("summary")
    p.add_argument("--rerun", required=True, help="the command line of this run")
    p.add_argument("--pg-port", type=int, default=5432)
    p.add_argument("--pg-user", default="postgres")
    p.add_argument("--db-prefix", default="steward_bench_sched_PID")
    p.set_defaults(func=cmd_summary)

    args = parser.parse_args()
    try:
        sys.exit(args.func(args) or 0)
    except KeyboardInterrupt:  # Ctrl-C: bench/scheduler stops everything and says so
        sys.exit(130)


if __name__ == "__main__":
    main()
