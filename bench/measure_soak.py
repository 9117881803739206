#!/usr/bin/env python3
"""Faults and measurements for bench/soak: one agent, many targets, for a long while, its servers and its store
failing at random. The bash script starts everything and stops it at the end; this file injects the faults (it
restarts what it stopped with the start scripts the bash script wrote), observes, and prints the report.

The faults, from a seeded random generator, one every --fault-every seconds on average (exponential gaps), never
two at once on one server and one S3Proxy outage at a time:

  kill      SIGKILL a redis-server (and its BGSAVE child, if any); started again a few seconds later, same port,
            same directory (it loads the dump.rdb of its last save)
  pause     SIGSTOP a redis-server, SIGCONT a few seconds later
  password  CONFIG SET requirepass to a password the agent does not have, its connections closed (CLIENT KILL),
            so it must log in again and is refused; set back later
  s3        stop S3Proxy (SIGKILL or SIGTERM, at random), start it again on the same port and directory

Measured: at the window's start (after the warm-up, nothing broken) and at its end (every fault undone and a grace
period after), the agent's heap after a full GC, threads, open file descriptors and RSS; over the window, from its
/metrics, polls started and started late, backup failures by reason, scheduled backup jobs run, and whether the JVM
is still there. At the end the bucket is listed over the S3 API (the aws CLI; else the S3Proxy directory), every
stored backup must have its manifest and the objects the manifest names (sizes included), `steward backup list`
must list exactly those, and `steward backup verify` must pass on a sample. Standard library only; it reuses
bench/measure.py's scraper and report helpers and bench/measure_fleet.py's JVM and /-/ready readers.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

from measure import Redis, Scraper, jcmd, samples, save_results, section, table
from measure_fleet import PROMETHEUS_HEADERS, jvm_memory_after_gc, oom_errors, ready, scrape_once

SCRAPE_EVERY_S = 15
# "scheduled backup of soak-s01-t01 (127.0.0.1:33595) failed (redis_connect): lost ...": target, reason, message
FAILED_LINE = re.compile(r"scheduled backup of (\S+)(?: \([^)]*\))? failed \(([a-z_]+)\): (.*)")
WEIGHTS = {"kill": 3, "pause": 3, "password": 3, "s3": 1}
DURATIONS = {"kill": (2, 12), "pause": (2, 12), "password": (5, 25), "s3": (3, 20)}  # seconds until undone


def stamp(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S")


# ---------------------------------------------------------------- the agent

class Agent:
    def __init__(self, spec):
        url, pid = spec.rsplit("=", 1)
        self.url, self.pid = url, int(pid)
        self.scraper = Scraper(url, timeout=10, headers=PROMETHEUS_HEADERS, quiet=True)
        self.scrape_failures = 0

    def alive(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def counters(self, keep=None):
        """The agent's counters that the soak follows, or None when /metrics did not answer; keep: a file the
        whole /metrics is written to."""
        result = scrape_once(self.scraper)
        if result is None:
            self.scrape_failures += 1
            return None
        if keep:
            with open(keep, "wb") as f:
                f.write(result[2])
        c = {"started": 0.0, "late": 0.0, "poll_errors": 0.0, "failures": {}, "runs": 0.0, "in_progress": 0.0}
        for name, labels, value in samples(result[2].decode()):
            if name == "steward_polls_started_total":
                c["started"] += value
            elif name == "steward_polls_started_late_total":
                c["late"] += value
            elif name == "steward_poll_errors_total":
                c["poll_errors"] += value
            elif name == "steward_backup_failures_total":
                c["failures"][labels.get("reason", "?")] = c["failures"].get(labels.get("reason", "?"), 0) + value
            elif name == "steward_scheduler_jobs_run_total" and labels.get("kind") == "backup":
                c["runs"] += value
            elif name == "steward_backup_in_progress":
                c["in_progress"] += value
        return c

    def thread_names(self):
        """{name with its numbers as #: count} from a thread dump, so what grew can be told by name."""
        names = {}
        for line in jcmd(self.pid, "Thread.print").splitlines():
            m = re.match(r'"(.*?)"', line)
            if m:
                name = re.sub(r"\d+", "#", m.group(1))
                names[name] = names.get(name, 0) + 1
        return names

    def histogram(self):
        """({class: bytes}, total bytes) of the live heap: `jcmd GC.class_histogram` runs a full GC and counts what
        survived in one step, so nothing the agent allocates between two jcmd calls is counted."""
        classes, total = {}, None
        for line in jcmd(self.pid, "GC.class_histogram").splitlines():
            m = re.match(r"\s*\d+:\s+\d+\s+(\d+)\s+(\S+)", line)
            if m:
                classes[m.group(2)] = int(m.group(1))
            m = re.match(r"Total\s+\d+\s+(\d+)", line)
            if m:
                total = int(m.group(1))
        return classes, total

    def between_backups(self, timeout=15):
        """Waits (bounded) until no backup runs: one under way holds its upload buffer (an 8 MiB part), which a heap
        reading should not count as growth. The counters then, or None when it found no such moment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            c = self.counters()
            if c is not None and c["in_progress"] == 0:
                return c
            time.sleep(0.1)
        return None

    def quiet_heap(self, attempts=10):
        """(classes, live, committed, metaspace) read while no backup ran: a backup is due every few seconds, and
        one that began between the check and the full GC (a jcmd takes a while to attach) would be counted, so a
        reading during which a backup began or was under way is taken again."""
        for _ in range(attempts):
            before = self.between_backups()
            _, committed, metaspace = jvm_memory_after_gc(self.pid)
            classes, live = self.histogram()
            after = self.counters()
            if before is not None and after is not None and after["in_progress"] == 0 \
                    and after["runs"] == before["runs"]:
                return classes, live, committed, metaspace
        print(f"  ! no reading in {attempts} attempts without a backup under way: this one may hold its buffer")
        return classes, live, committed, metaspace

    def process(self, full_gc=True):
        """Heap after a full GC (taken between two backups), threads, open fds, RSS: the figures that must not
        grow."""
        classes, live, committed, metaspace = {}, None, None, None
        if full_gc:
            classes, live, committed, metaspace = self.quiet_heap()
        status = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                status[key] = value.split()[0] if value.split() else ""
        return {"heap_mb": None if live is None else live / 1048576, "heap_committed_mb": committed,
                "metaspace_mb": metaspace, "classes": classes,
                "threads": int(status["Threads"]), "fds": len(os.listdir(f"/proc/{self.pid}/fd")),
                "rss_mb": int(status["VmRSS"]) / 1024}


# ---------------------------------------------------------------- the faults

class Server:
    def __init__(self, port, directory):
        self.port, self.dir = int(port), directory
        with open(os.path.join(directory, "password")) as f:
            self.password = f.read().strip()
        self.fault = None  # (kind, undo-at, detail) while one is under way

    def pid(self):
        try:
            with open(os.path.join(self.dir, "redis.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def connect(self, password):
        conn = Redis(self.port, timeout=5)
        conn.call("AUTH", password)
        return conn

    def start(self):
        subprocess.run([os.path.join(self.dir, "start")], check=True, timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                conn = self.connect(self.password)
                loading = "loading:1" in conn.call("INFO", "persistence")
                conn.close()
                if not loading:
                    return True
            except (OSError, RuntimeError, ConnectionError):
                pass
            time.sleep(0.1)
        return False


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def wait_gone(pid, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


class S3Proxy:
    def __init__(self, directory, port):
        self.dir, self.port = directory, port
        self.fault = None

    def pid(self):
        with open(os.path.join(self.dir, "s3proxy.pid")) as f:
            return int(f.read().strip())

    def start(self):
        subprocess.run([os.path.join(self.dir, "start")], check=True, timeout=30)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                Redis(self.port, timeout=1).close()  # only the TCP connect: S3Proxy listens once it is ready
                return True
            except OSError:
                time.sleep(0.2)
        return False


class Chaos:
    """Injects the faults and undoes them; every one is printed and written to the fault log as it happens."""

    def __init__(self, servers, s3, rng, mean_gap, log_path, t0):
        self.servers, self.s3, self.rng, self.mean_gap = servers, s3, rng, mean_gap
        self.log = open(log_path, "a")
        self.t0 = t0
        self.intervals = []  # (kind, where, start, end): every fault's span, for telling why a backup failed
        self.counts = {kind: 0 for kind in WEIGHTS}
        self.troubles = []  # a server that would not come back, a wrong reply: the bench's own trouble
        self.next_at = time.time() + self.gap()

    def gap(self):
        return min(max(self.rng.expovariate(1 / self.mean_gap), 1.0), 4 * self.mean_gap)

    def say(self, text):
        line = f"  [{stamp(time.time())} +{time.time() - self.t0:6.1f}s] {text}"
        print(line)
        self.log.write(line + "\n")
        self.log.flush()

    def tick(self):
        now = time.time()
        for holder in [*self.servers, self.s3]:
            if holder.fault and holder.fault[1] <= now:
                self.undo_safely(holder)
        if now >= self.next_at:
            try:
                self.inject()
            except (OSError, RuntimeError, ConnectionError, TypeError) as failure:  # the bench's own trouble
                self.troubles.append(f"a fault could not be injected: {failure!r}")
                self.say(f"!        a fault could not be injected: {failure!r}")
            self.next_at = time.time() + self.gap()

    def inject(self):
        free = [s for s in self.servers if s.fault is None]
        kinds = [k for k in WEIGHTS if (k == "s3" and self.s3.fault is None) or (k != "s3" and free)]
        if not kinds:
            return
        kind = self.rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        low, high = DURATIONS[kind]
        lasts = self.rng.uniform(low, high)
        self.counts[kind] += 1
        if kind == "s3":
            how = self.rng.choice(["KILL", "TERM"])
            pid = self.s3.pid()
            os.kill(pid, getattr(signal, "SIG" + how))
            wait_gone(pid, 30)
            self.s3.fault = (kind, time.time() + lasts, how, time.time())
            self.say(f"s3       S3Proxy stopped (SIG{how}, pid {pid}); started again in {lasts:.1f} s")
            return
        server = self.rng.choice(free)
        pid = server.pid()
        if kind == "kill":
            kids = children(pid)
            for victim in [pid, *kids]:
                os.kill(victim, signal.SIGKILL)
            wait_gone(pid)
            os.remove(os.path.join(server.dir, "redis.pid"))
            detail = f"pid {pid}" + (f" and its child {', '.join(map(str, kids))}" if kids else "")
            self.say(f"kill     redis :{server.port} ({detail}); started again in {lasts:.1f} s")
        elif kind == "pause":
            os.kill(pid, signal.SIGSTOP)
            self.say(f"pause    redis :{server.port} (SIGSTOP pid {pid}); SIGCONT in {lasts:.1f} s")
        else:
            wrong = "wrong-" + "".join(self.rng.choice("0123456789abcdef") for _ in range(16))
            conn = server.connect(server.password)
            conn.call("CONFIG", "SET", "requirepass", wrong)
            # A password change leaves logged-in connections as they are: closed, the agent must log in again.
            closed = conn.call("CLIENT", "KILL", "TYPE", "normal") + conn.call("CLIENT", "KILL", "TYPE", "replica")
            conn.close()
            detail = wrong
            self.say(f"password redis :{server.port} requirepass changed, {closed} connection(s) closed;"
                     f" set back in {lasts:.1f} s")
        server.fault = (kind, time.time() + lasts, detail if kind == "password" else pid, time.time())

    def undo(self, holder):
        kind, _, detail, began = holder.fault
        where = "s3" if holder is self.s3 else holder.port
        if kind == "s3":
            up = self.s3.start()
            self.say(f"s3       S3Proxy started again (pid {self.s3.pid()})" + ("" if up else ": NOT LISTENING"))
            if not up:
                self.troubles.append("S3Proxy did not start again")
        elif kind == "kill":
            up = holder.start()
            self.say(f"kill     redis :{holder.port} started again (pid {holder.pid()})" +
                     ("" if up else ": NOT ANSWERING"))
            if not up:
                self.troubles.append(f"redis :{holder.port} did not start again")
        elif kind == "pause":
            os.kill(detail, signal.SIGCONT)
            self.say(f"pause    redis :{holder.port} SIGCONT")
        else:
            try:
                conn = holder.connect(detail)
                conn.call("CONFIG", "SET", "requirepass", holder.password)
                conn.close()
                self.say(f"password redis :{holder.port} requirepass set back")
            except (OSError, RuntimeError, ConnectionError) as failure:
                self.troubles.append(f"redis :{holder.port}: password not set back: {failure}")
        self.intervals.append((kind, where, began, time.time()))
        holder.fault = None

    def undo_safely(self, holder):
        try:
            self.undo(holder)
        except (OSError, RuntimeError, ConnectionError, subprocess.SubprocessError) as failure:
            self.troubles.append(f"a fault could not be undone: {failure!r}")
            self.say(f"!        a fault could not be undone: {failure!r}")
            holder.fault = None

    def undo_all(self):
        for holder in [*self.servers, self.s3]:
            if holder.fault:
                self.undo_safely(holder)
        self.log.close()


# ---------------------------------------------------------------- the store

def list_bucket(args):
    """(objects {key: size}, unfinished multipart uploads, how it was listed)."""
    if args.aws:
        base = [args.aws, "--endpoint-url", f"http://127.0.0.1:{args.s3_port}", "--output", "json", "s3api"]
        out = subprocess.run(base + ["list-objects-v2", "--bucket", args.bucket, "--prefix", args.prefix + "/"],
                             capture_output=True, text=True, timeout=120)
        if out.returncode == 0:
            listed = json.loads(out.stdout or "{}").get("Contents", [])
            objects = {o["Key"]: o["Size"] for o in listed}
            mpu = subprocess.run(base + ["list-multipart-uploads", "--bucket", args.bucket],
                                 capture_output=True, text=True, timeout=60)
            uploads = len(json.loads(mpu.stdout or "{}").get("Uploads") or []) if mpu.returncode == 0 else None
            return objects, uploads, f"S3 API ({os.path.basename(args.aws)} s3api list-objects-v2)"
        print(f"  ! aws s3api list-objects-v2 failed: {out.stderr.strip()[:200]}; listing the directory instead")
    objects = {}
    root = os.path.join(args.s3_data, args.bucket)
    for directory, _, files in os.walk(os.path.join(root, args.prefix)):
        for name in files:
            path = os.path.join(directory, name)
            objects[os.path.relpath(path, root)] = os.path.getsize(path)
    return objects, None, f"S3Proxy's directory {root}"


def stored_objects(manifest, prefix):
    """(bucket key, size) of every object a manifest names: its dump's, or each shard's of a set."""
    parts = [manifest, *(manifest.get("shards") or [])]
    return [(f"{prefix}/{p['stored']['object']}", p["stored"]["size"]) for p in parts if p.get("stored")]


def check_store(args, objects):
    """Backups in the store by directory: complete ones, partial ones (a manifest whose objects are missing or of
    another size: listed, but broken) and objects without a manifest (never listed; prune removes them)."""
    dirs = {}
    for key, size in objects.items():
        parts = key.split("/")
        if len(parts) >= 4:
            dirs.setdefault("/".join(parts[:3]), {})[parts[-1]] = size
    complete, broken, orphans, methods = {}, [], [], {}
    for directory, files in sorted(dirs.items()):
        backup_id = directory.rsplit("/", 1)[1]
        if "manifest.json" not in files:
            orphans.append(f"{directory}/ ({', '.join(sorted(files))})")
            continue
        with open(os.path.join(args.s3_data, args.bucket, directory, "manifest.json")) as f:
            manifest = json.load(f)
        named = stored_objects(manifest, args.prefix)
        wrong = [f"{key} {'missing' if key not in objects else f'{objects[key]} bytes, manifest says {size}'}"
                 for key, size in named if objects.get(key) != size]
        if wrong or not named:
            broken.append(f"{directory}: " + ("; ".join(wrong) if wrong else "the manifest names no object"))
        else:
            complete[backup_id] = manifest
            method = (manifest.get("source") or {}).get("method", "set")
            methods[method] = methods.get(method, 0) + 1
    return complete, broken, orphans, methods


def steward(args, *command):
    env = dict(os.environ, STEWARD_JAR=args.jar)
    return subprocess.run([args.steward, *command, "--config", args.config], capture_output=True, text=True,
                          timeout=300, env=env)


# ---------------------------------------------------------------- the window

def fires_due(backups_tsv, t0, t1):
    """Scheduled fires in [t0, t1): each backup target fires at second OFFSET + k * EVERY of every minute."""
    due = 0
    with open(backups_tsv) as f:
        for line in f:
            if not line.strip():
                continue
            name, port, cron = line.rstrip("\n").split("\t")
            seconds = cron.split()[0]  # OFFSET/EVERY, or OFFSET alone for once a minute
            offset, every = (int(v) for v in (seconds.split("/") if "/" in seconds else (seconds, 60)))
            due += sum(1 for s in range(int(t0) + 1, int(t1) + 1) if s % 60 % every == offset % every)
    return due


def failed_lines(log, t0, t1):
    """The agent's "scheduled backup of X failed (reason): message" lines logged in [t0, t1], with their time."""
    found = []
    with open(log, errors="replace") as f:
        for line in f:
            m = FAILED_LINE.search(line)
            if not m:
                continue
            when = re.search(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)", line)
            t = (datetime.strptime(" ".join(when.groups()), "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
                 .timestamp() if when else None)
            if t is None or t0 - 1 <= t <= t1 + 1:
                found.append((t, m.group(1), m.group(2), m.group(3)))
    return found


def cause(failure, intervals, ports):
    """The faults under way on the failed backup's server or on S3Proxy when it failed (a second before a fault's
    start, five after its end: a restarted server loads its RDB); else those that ended within the minute before."""
    t, target, _, _ = failure
    if t is None:
        return "?"
    port = ports.get(target)

    def near(after):
        return sorted({f"{kind}{'' if where == 's3' else f' :{where}'}" for kind, where, a, b in intervals
                       if a - 1 <= t <= b + after and where in ("s3", port)})

    under_way = near(5)
    if under_way:
        return ", ".join(under_way)
    before = near(60)
    return f"after {', '.join(before)}" if before else "none"


def wait_up(agent, timeout):
    """As measure_fleet.wait_ready, but gives up at once when the agent is gone (a config it refused)."""
    began = time.monotonic()
    state = ""
    while time.monotonic() - began < timeout and agent.alive():
        ok, state = ready(agent.url)
        if ok:
            break
        time.sleep(0.5)
    return time.monotonic() - began, state


def cmd_run(args):
    agent = Agent(args.agent)
    servers = []
    with open(args.servers) as f:
        for line in f:
            if line.strip():
                servers.append(Server(*line.rstrip("\n").split("\t")))
    s3 = S3Proxy(args.s3_dir, args.s3_port)
    ports = {}
    with open(args.backups) as f:
        for line in f:
            if line.strip():
                name, port, _ = line.rstrip("\n").split("\t")
                ports[name] = int(port)
    results = {"seed": args.seed, "minutes": args.minutes, "targets": args.targets}

    section("Start")
    took, state = wait_up(agent, 180)
    print(f"  /-/ready after {took:.1f} s: {state}")
    if not agent.alive():
        print(f"  the agent is gone (pid {agent.pid}): see its log", file=sys.stderr)
        return 1
    if not state.startswith("ready"):
        print("  the agent did not become ready; going on, its targets may be down", file=sys.stderr)
    print(f"  warm-up {args.warmup} s")
    warm = agent.counters()
    time.sleep(args.warmup)
    work = os.path.dirname(args.faults)
    first_counters = agent.counters(keep=os.path.join(work, "metrics-start.txt"))
    if warm and first_counters:
        started, late = first_counters["started"] - warm["started"], first_counters["late"] - warm["late"]
        print(f"  over the warm-up (no fault): {started:.0f} polls started, {late:.0f} late")
    first_threads = agent.thread_names()
    start = agent.process()
    t0 = time.time()
    print(f"  at the start: live heap after GC {start['heap_mb']:.1f} MB (of {start['heap_committed_mb']:.1f} MB), "
          f"{start['threads']} threads, {start['fds']} fds, RSS {start['rss_mb']:.1f} MB")

    section(f"Soak: {args.minutes:g} min of faults, one every {args.fault_every:g} s on average (seed {args.seed})")
    chaos = Chaos(servers, s3, random.Random(args.seed), args.fault_every, args.faults, t0)
    end_at = t0 + args.minutes * 60
    next_scrape = t0 + SCRAPE_EVERY_S
    trace = []  # (seconds into the window, threads, fds, rss) every scrape: growth shows over time
    slices = []  # (from, to, polls started, late) between two scrapes: late polls told by the faults then
    previous, previous_at = first_counters, t0
    died_at = None
    while time.time() < end_at:
        chaos.tick()
        if time.time() >= next_scrape:
            next_scrape += SCRAPE_EVERY_S
            if not agent.alive():
                died_at = time.time()
                chaos.say(f"THE AGENT IS GONE (pid {agent.pid})")
                break
            now_counters, now = agent.counters(), time.time()
            if previous and now_counters:
                slices.append((previous_at, now, now_counters["started"] - previous["started"],
                               now_counters["late"] - previous["late"]))
            previous, previous_at = now_counters, now
            p = agent.process(full_gc=False)
            trace.append((round(time.time() - t0), p["threads"], p["fds"], round(p["rss_mb"], 1)))
        time.sleep(0.2)
    chaos.say("end of the window: every fault still under way is undone")
    chaos.undo_all()
    t1 = time.time()

    section("End")
    if died_at is None:
        print(f"  grace {args.grace} s, then until /-/ready (at most 120 s)")
        time.sleep(args.grace)
        took, state = wait_up(agent, 120)
        print(f"  /-/ready {took:.1f} s after the grace: {state}")
    alive = agent.alive()
    end = agent.process() if alive else None
    last_counters = agent.counters(keep=os.path.join(work, "metrics-end.txt")) if alive else None
    last_threads = agent.thread_names() if alive else {}
    t2 = time.time()
    if end:
        print(f"  at the end: live heap after GC {end['heap_mb']:.1f} MB (of {end['heap_committed_mb']:.1f} MB), "
              f"{end['threads']} threads, {end['fds']} fds, RSS {end['rss_mb']:.1f} MB")
    changed = sorted((name, last_threads.get(name, 0) - first_threads.get(name, 0))
                     for name in set(first_threads) | set(last_threads)
                     if last_threads.get(name, 0) != first_threads.get(name, 0))
    if alive:
        print("  threads, by name, more or fewer at the end than at the start: " +
              (", ".join(f"{name} {delta:+d}" for name, delta in changed) or "none"))
    if alive:
        first_classes, last_classes = start["classes"], end["classes"]
        grown = sorted(((last_classes.get(c, 0) - first_classes.get(c, 0), c)
                        for c in set(first_classes) | set(last_classes)), reverse=True)[:8]
        print("  live heap, the classes that grew most (end - start): " +
              ", ".join(f"{c} {delta / 1024:+.0f} KB" for delta, c in grown))
    print(f"  threads / fds / RSS MB every {SCRAPE_EVERY_S} s over the window: " +
          " ".join(f"{t}:{th}/{fd}/{rss:g}" for t, th, fd, rss in trace[:: max(1, len(trace) // 12)]))

    section("Faults")
    table(["fault", "count"], [[k, v] for k, v in chaos.counts.items()] + [["all", sum(chaos.counts.values())]])
    for trouble in chaos.troubles:
        print(f"  ! {trouble}")

    section("Polls and backups")
    polls = backups = None
    if first_counters and last_counters:
        started = last_counters["started"] - first_counters["started"]
        late = last_counters["late"] - first_counters["late"]
        polls = {"started": started, "late": late, "on_time": 1 - late / started if started else None,
                 "errors": last_counters["poll_errors"] - first_counters["poll_errors"]}
        share = "n/a" if polls["on_time"] is None else f"{polls['on_time'] * 100:.2f} %"
        print(f"  polls started {started:.0f}, late {late:.0f}: {share} on time;"
              f" {polls['errors']:.0f} polls failed (targets down, paused or refused, as the faults meant)")
        by_fault = {}
        for a, b, n, late_n in slices:
            kinds = sorted({kind for kind, _, x, y in chaos.intervals if x <= b and y >= a}) or ["no fault"]
            key = " + ".join(kinds)
            row = by_fault.setdefault(key, [0, 0.0, 0.0])
            row[0] += 1
            row[1] += n
            row[2] += late_n
        if by_fault:
            print(f"  late polls by the faults under way in each {SCRAPE_EVERY_S}-s slice between two scrapes:")
            table(["faults in the slice", "slices", "polls", "late", "late %"],
                  [[k, v[0], f"{v[1]:.0f}", f"{v[2]:.0f}", f"{100 * v[2] / v[1]:.1f}" if v[1] else "n/a"]
                   for k, v in sorted(by_fault.items())])
        polls["by_fault"] = by_fault
        reasons = {r: last_counters["failures"].get(r, 0) - first_counters["failures"].get(r, 0)
                   for r in set(first_counters["failures"]) | set(last_counters["failures"])}
        reasons = {r: v for r, v in reasons.items() if v}
        runs = last_counters["runs"] - first_counters["runs"]
        backups = {"runs": runs, "failures": reasons}
    # The agent goes on taking backups: its list first, then the bucket, so every backup it lists is in the bucket
    # listing (a backup finished in between is in the bucket only).
    listed_at = time.time()
    listing = steward(args, "backup", "list", "-o", "json")
    objects, uploads, how = list_bucket(args)
    complete, broken, orphans, methods = check_store(args, objects)
    in_window = [m for m in complete.values()
                 if t0 <= datetime.fromisoformat(m["startedAt"].replace("Z", "+00:00")).timestamp() <= t2]
    due = fires_due(args.backups, t0, t2)  # the window and the grace after it, as the backups counted
    failures = failed_lines(args.log, t0, t2)
    runs = "n/a" if backups is None else f"{backups['runs']:.0f}"
    counted = "n/a" if backups is None else f"{sum(backups['failures'].values()):.0f}"
    print(f"  scheduled fires in the window: {due}; jobs run: {runs}; complete backups started in it:"
          f" {len(in_window)}; failed: {len(failures)} (by the log), {counted} (by the metrics); neither:"
          f" {due - len(in_window) - len(failures)} (from the window's start to the end's measurement)")
    if backups and backups["failures"]:
        table(["reason (steward_backup_failures_total)", "failures"],
              sorted(([r, f"{v:.0f}"] for r, v in backups["failures"].items()), key=lambda row: row[0]))
    if failures:
        print()
        print("  every failure, with the faults under way on its server or on S3Proxy then:")
        unexplained = 0
        for failure in failures:
            during = cause(failure, chaos.intervals, ports)
            unexplained += during == "none"
            print(f"    {stamp(failure[0]) if failure[0] else '?':8}  {failure[1]:16} {failure[2]:18} "
                  f"[{during}]  {failure[3][:150]}")
        print(f"  failures with no fault near them: {unexplained}")

    section("The store")
    print(f"  listed by {how}: {len(objects)} objects under {args.prefix}/, "
          f"{'n/a' if uploads is None else uploads} unfinished multipart upload(s)")
    print(f"  backups: {len(complete)} complete (manifest and every object it names, sizes alike) "
          f"by method {methods or '{}'}; {len(broken)} partial (a manifest without its objects); "
          f"{len(orphans)} objects without a manifest")
    for line in broken:
        print(f"    PARTIAL  {line}")
    for line in orphans:
        print(f"    no manifest  {line}  (never listed; prune removes it after an hour)")
    listed_ids, list_problem = set(), None
    if listing.returncode == 0:
        listed_ids = {b["id"] for b in json.loads(listing.stdout)}
        not_complete = sorted(listed_ids - set(complete))
        not_listed = sorted(i for i in set(complete) - listed_ids if datetime.fromisoformat(
            complete[i]["finishedAt"].replace("Z", "+00:00")).timestamp() < listed_at - 1)
        print(f"  steward backup list: {len(listed_ids)} backups; listed but not complete in the bucket: "
              f"{len(not_complete)} {not_complete[:5]}; complete (finished before the list) but not listed: {len(not_listed)} {not_listed[:5]}")
        if not_complete:
            list_problem = f"{len(not_complete)} listed backups are not complete in the bucket"
    else:
        list_problem = f"steward backup list failed ({listing.returncode}): {listing.stderr.strip()[:200]}"
        print(f"  ! {list_problem}")
    sample = random.Random(args.seed).sample(sorted(listed_ids), min(args.verify, len(listed_ids)))
    verified_bad = []
    for backup_id in sample:
        out = steward(args, "backup", "verify", backup_id)
        first = (out.stdout.strip() or out.stderr.strip()).splitlines()[:1]
        if out.returncode != 0:
            verified_bad.append(backup_id)
        print(f"    verify {backup_id}: exit {out.returncode}  {first[0][:110] if first else ''}")
    print(f"  steward backup verify: {len(sample) - len(verified_bad)} of {len(sample)} passed")

    section("Logs")
    with open(args.log, errors="replace") as f:
        log = f.read().splitlines()
    errors = [line for line in log if re.search(r"\bERROR\b", line)]
    stack = [line for line in log if line.startswith(("\tat ", "Caused by"))]
    print(f"  agent log: {len(log)} lines, {len(errors)} ERROR, {len(stack)} stack-trace lines, "
          f"{oom_errors(args.log)} OutOfMemoryError")
    for line in errors[:5]:
        print(f"    {line[:160]}")

    section("Summary")
    rows = []

    def grow(key, unit, allowed):
        if not end or start[key] is None or end[key] is None:
            return ["n/a", "n/a", "n/a", "MISS"]
        delta = end[key] - start[key]
        return [f"{start[key]:.1f}" if unit else start[key], f"{end[key]:.1f}" if unit else end[key],
                f"{delta:+.1f}{unit}" if unit else f"{delta:+d}", "PASS" if delta <= allowed else "MISS"]

    heap_allowed = max(2.0, 0.1 * (start["heap_mb"] or 0))
    rows.append(["heap after GC, MB", *grow("heap_mb", " MB", heap_allowed)])
    rows.append(["threads", *grow("threads", "", 2)])
    rows.append(["open file descriptors", *grow("fds", "", 5)])
    rows.append(["RSS, MB (for information)", *grow("rss_mb", " MB", float("inf"))[:3], ""])
    table(["figure", "start", "end", "growth", "verdict"], rows)
    print()
    on_time = polls["on_time"] if polls else None
    partial_listed = len(broken) + len(verified_bad) + (1 if list_problem else 0)
    info = [
        ["agent alive at the end", "yes" if alive else f"NO (gone at {stamp(died_at) if died_at else '?'})"],
        ["polls on time", "n/a" if on_time is None else f"{on_time * 100:.2f} % of {polls['started']:.0f}"],
        ["backups complete / failed", f"{len(in_window)} / {len(failures)} of {due} fires due"],
        ["partial backups listed", f"{partial_listed}" + (f" ({list_problem})" if list_problem else "")],
        ["objects without a manifest", str(len(orphans))],
        ["unfinished multipart uploads", "n/a" if uploads is None else str(uploads)],
        ["backups verified", f"{len(sample) - len(verified_bad)} / {len(sample)}"],
    ]
    table(["", "value"], info)
    heap = "n/a" if not end or end["heap_mb"] is None else f"{end['heap_mb'] - start['heap_mb']:+.1f} MB"
    threads = "n/a" if not end else f"{end['threads'] - start['threads']:+d}"
    fds = "n/a" if not end else f"{end['fds'] - start['fds']:+d}"
    print()
    print(f"goal: heap growth {heap}, thread growth {threads}, fd growth {fds}, agent exits {0 if alive else 1},"
          f" partial objects {partial_listed} listed ({len(orphans)} unlisted without a manifest)")
    for reading in (start, end):
        if reading:
            reading.pop("classes", None)  # thousands of entries: the report shows what grew
    results.update({"start": start, "end": end, "alive": alive, "polls": polls, "backups": backups,
                    "fires_due": due, "complete": len(in_window), "failed": len(failures),
                    "partial_listed": partial_listed, "orphans": orphans, "uploads": uploads,
                    "faults": chaos.counts, "troubles": chaos.troubles, "trace": trace})
    save_results(args.results, results)
    return 0 if alive and partial_listed == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("--agent", required=True, help="URL=PID of the agent's /metrics and JVM")
    p.add_argument("--servers", required=True, help="file: port TAB directory per redis-server")
    p.add_argument("--backups", required=True, help="file: target TAB port TAB cron per backed-up target")
    p.add_argument("--s3-dir", required=True)
    p.add_argument("--s3-port", type=int, required=True)
    p.add_argument("--s3-data", required=True)
    p.add_argument("--bucket", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--aws", default="")
    p.add_argument("--minutes", type=float, required=True)
    p.add_argument("--fault-every", type=float, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--warmup", type=float, required=True)
    p.add_argument("--grace", type=float, required=True)
    p.add_argument("--interval", type=float, required=True)
    p.add_argument("--targets", type=int, required=True)
    p.add_argument("--verify", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--faults", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--steward", required=True)
    p.add_argument("--jar", required=True)
    args = parser.parse_args()
    sys.exit(cmd_run(args))


if __name__ == "__main__":
    main()
