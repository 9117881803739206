#!/usr/bin/env python3
"""Measurements for bench/groups. The bash script starts and stops the processes; this file only observes.

A Redis Cluster (3 primaries, 3 replicas) and a Sentinel group (a primary, 2 replicas, 3 Sentinels), watched once
by the agent (one cluster target, one Sentinel target) and once by redis_exporter (one process per node, one per
Sentinel). Each subcommand prints one section of the report and records its numbers in a JSON results file
(--results), from which `compare` and `summary` print the side-by-side tables and the PASS/MISS lines.

Redis time comes from INFO commandstats on every data node. The group itself talks all the time (Sentinels send
PING, PUBLISH and INFO to the data nodes and to each other, replicas send REPLCONF ACK), so a quiet window first
measures that background per node and command, and each side's windows have it taken out. Sentinels keep no
commandstats: what each side sends them is read off the loopback interface, and what it costs them (as every
server's CPU) is measured by replaying each side's recorded traffic with nothing else polling. Only the standard
library is used; the RESP client, the scraper and the /proc readers are bench/measure.py's.
"""

import argparse
import base64
import json
import math
import os
import random
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the benches
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import (CLK_TCK, Redis, Scraper, calibrate_probe, commandstats, cpu_ticks, heap_info,  # noqa: E402
                     load_results, median, proc_status_kb, rss_mb, samples, save_results, section, stats_delta,
                     table, up_counts)

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
BUS_PORT_OFFSET = 10000
# Kinds of member, in report order.
KINDS = ("cluster primary", "cluster replica", "primary", "replica", "sentinel")


def split_address(address):
    host, port = address.rsplit(":", 1)
    return host, int(port)


def connect(address, timeout=10):
    host, port = split_address(address)
    return Redis(port, host=host, timeout=timeout)


def info_fields(conn, section_name="default"):
    fields = {}
    for line in conn.call("INFO", section_name).splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def kind_of(address):
    with_info = info_fields(connect(address), "everything")
    mode, role = with_info.get("redis_mode"), with_info.get("role")
    if mode == "sentinel":
        return "sentinel"
    prefix = "cluster " if mode == "cluster" else ""
    return prefix + ("primary" if role == "master" else "replica")


def wait_until(check, what, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            outcome = check()
            if outcome is True:
                return
            last = outcome
        except (OSError, RuntimeError, ConnectionError) as failure:
            last = failure
        time.sleep(0.5)
    print(f"  ! {what} not within {timeout:.0f} s (last: {last})", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- setting the groups up

def cmd_ports(args):
    """Ports in 12000-19999 free on every loopback host, with the port + 10000 (a cluster node's bus) free too:
    both stay below the kernel's ephemeral range, so no outgoing connection takes one meanwhile."""

    def free(host, port):
        with socket.socket() as s:
            try:
                s.bind((host, port))
                return True
            except OSError:
                return False

    chosen = []
    for _ in range(10000):
        port = random.randrange(12000, 20000)
        if port in chosen or port + BUS_PORT_OFFSET in chosen or port == 6379:
            continue
        if all(free(h, port) and free(h, port + BUS_PORT_OFFSET) for h in HOSTS):
            chosen.append(port)
            if len(chosen) == args.count:
                print(" ".join(map(str, chosen)))
                return 0
    print("no free ports with free bus ports", file=sys.stderr)
    return 1


def cmd_slot_tag(args):
    """A hash tag whose slot the cluster primary at --node serves, so keys `{tag}:N` all land on it."""
    conn = connect(args.node)
    mine = next(line for line in conn.call("CLUSTER", "NODES").splitlines() if "myself" in line.split()[2])
    ranges = []
    for part in mine.split()[8:]:
        if part.startswith("["):
            continue  # a slot being migrated or imported
        first, _, last = part.partition("-")
        ranges.append((int(first), int(last or first)))
    for i in range(100000):
        tag = f"bench{i}"
        slot = conn.call("CLUSTER", "KEYSLOT", tag)
        if any(a <= slot <= b for a, b in ranges):
            print(tag)
            return 0
    return 1


def cmd_resp_sets(args):
    """SET commands in RESP on stdout, for `redis-cli --pipe` (real writes: they reach the replicas)."""
    value = b"x" * args.size
    out = sys.stdout.buffer
    chunk = []
    for i in range(args.count):
        key = f"{args.prefix}:{i}".encode()
        chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))
    out.flush()


def cmd_wait_cluster(args):
    """Until every node says cluster_state:ok, knows every node, and every replica's link to its primary is up."""

    def healthy():
        for address in args.node:
            conn = connect(address, timeout=5)
            cluster = dict(line.split(":", 1) for line in conn.call("CLUSTER", "INFO").split() if ":" in line)
            if cluster.get("cluster_state") != "ok" or int(cluster.get("cluster_known_nodes", 0)) != len(args.node):
                return f"{address}: {cluster.get('cluster_state')}, {cluster.get('cluster_known_nodes')} nodes known"
            replication = info_fields(conn, "replication")
            if replication["role"] == "slave" and replication.get("master_link_status") != "up":
                return f"{address}: link to its primary {replication.get('master_link_status')}"
        return True

    start = time.monotonic()
    wait_until(healthy, "cluster state ok on every node", args.timeout)
    print(f"  cluster ok on all {len(args.node)} nodes after {time.monotonic() - start:.1f} s")


def cmd_wait_replicas(args):
    def linked():
        for address in args.node:
            replication = info_fields(connect(address, timeout=5), "replication")
            if replication.get("master_link_status") != "up":
                return f"{address}: link {replication.get('master_link_status')}"
        return True

    wait_until(linked, "replicas in sync", args.timeout)


def cmd_wait_sentinels(args):
    """Until every Sentinel sees the primary up, both replicas, and the other Sentinels."""

    def agreed():
        for address in args.sentinel:
            reply = connect(address, timeout=5).call("SENTINEL", "MASTER", args.master)
            master = dict(zip(reply[::2], reply[1::2]))
            if (master.get("flags") != "master" or int(master["num-slaves"]) != args.replicas
                    or int(master["num-other-sentinels"]) != len(args.sentinel) - 1):
                return (f"{address}: flags {master.get('flags')}, {master.get('num-slaves')} replicas, "
                        f"{master.get('num-other-sentinels')} other Sentinels")
        return True

    start = time.monotonic()
    wait_until(agreed, "the Sentinels to agree", args.timeout)
    print(f"  the {len(args.sentinel)} Sentinels agree on the primary, its {args.replicas} replicas and each other"
          f" after {time.monotonic() - start:.1f} s")


def cmd_topology(args):
    section("The deployment")
    rows, kinds = [], {}
    for address in args.node:
        kind = kind_of(address)
        kinds[address] = kind
        fields = info_fields(connect(address), "everything")
        keys = sum(int(v.split(",")[0].split("=")[1]) for k, v in fields.items() if k.startswith("db"))
        group = "sentinel group" if kind in ("primary", "replica", "sentinel") else "cluster"
        rows.append([address, group, kind, keys if kind != "sentinel" else "-",
                     fields.get("used_memory_human", "-") if kind != "sentinel" else "-"])
    table(["node", "group", "role", "keys", "used memory"], rows)
    save_results(args.results, {"kinds": kinds})


# ---------------------------------------------------------------- what the nodes see

def redis_cpu_ns(pid):
    """CPU time of a redis-server, all its threads, in nanoseconds (the first field of each task's schedstat):
    fine enough to charge a single poll, where /proc/PID/stat counts 10 ms ticks."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return total


class CommandSniffer(threading.Thread):
    """What clients send to some ports on the loopback interface, read off the wire: an AF_PACKET socket with a
    kernel filter that passes only TCP segments to those ports, so other traffic on the machine costs nothing.

    Sentinels keep no INFO commandstats, SLOWLOG or MONITOR; this is how the report knows which commands each side
    sends them, and what it replays to charge them (see `replay`). Needs CAP_NET_RAW; without it `available` is
    False and the report says what is left out."""

    ETH_P_ALL, PACKET_OUTGOING, SO_ATTACH_FILTER = 3, 4, 26

    def __init__(self, ports):
        super().__init__(daemon=True)
        self.ports = set(ports)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.pending = {}   # (client, server) -> bytes of a command not yet complete
        self.flows = {}     # (client, server) -> [(bytes, commands)], one entry a segment, since the last take()
        self.names = {}     # (client, server) -> the name the client gave itself, if seen
        try:
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(self.ETH_P_ALL))
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            self._attach_filter(sorted(self.ports))
            self.sock.bind(("lo", 0))
            self.sock.settimeout(0.2)
            self.available = True
        except (OSError, AttributeError) as failure:
            self.reason = str(failure)
            self.available = False

    def _attach_filter(self, ports):
        """Classic BPF over the frame as lo shows it (a 14-byte Ethernet header): IPv4, TCP, not a fragment,
        destination port one of ports."""
        import ctypes
        n = len(ports)
        drop, accept = 8 + n, 9 + n
        code = [(0x28, 0, 0, 12), (0x15, 0, drop - 2, 0x0800),     # ldh [12]; jeq IPv4
                (0x30, 0, 0, 23), (0x15, 0, drop - 4, 6),          # ldb [23]; jeq TCP
                (0x28, 0, 0, 20), (0x45, drop - 6, 0, 0x1FFF),     # ldh [20]; jset fragment offset: drop
                (0xB1, 0, 0, 14), (0x48, 0, 0, 16)]                # ldxb 4*([14]&0xf); ldh [x+16]: dst port
        code += [(0x15, accept - (9 + i), 0, port) for i, port in enumerate(ports)]
        code += [(0x06, 0, 0, 0), (0x06, 0, 0, 0x40000)]           # ret drop; ret accept
        self._program = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *op) for op in code))
        fprog = struct.pack("HL", len(code), ctypes.addressof(self._program))
        self.sock.setsockopt(socket.SOL_SOCKET, self.SO_ATTACH_FILTER, fprog)

    def run(self):
        while not self.stopped.is_set():
            try:
                frame, address = self.sock.recvfrom(1 << 18)
            except socket.timeout:
                continue
            except OSError:
                return
            if address[2] != self.PACKET_OUTGOING:  # on lo each segment shows twice, going out and coming in
                self._segment(frame[14:])

    def _segment(self, ip):
        ihl = (ip[0] & 0x0F) * 4
        tcp = ip[ihl:struct.unpack(">H", ip[2:4])[0]]
        sport, dport = struct.unpack(">HH", tcp[:4])
        payload = tcp[(tcp[12] >> 4) * 4:]
        if dport not in self.ports or not payload:
            return
        flow = (f"{socket.inet_ntoa(ip[12:16])}:{sport}", f"{socket.inet_ntoa(ip[16:20])}:{dport}")
        with self.lock:
            data = self.pending.get(flow, b"") + payload
            commands, used = parse_commands(data)
            self.pending[flow] = data[used:]
            if not commands:
                return
            self.flows.setdefault(flow, []).append((data[:used], [command_name(c) for c in commands]))
            for args in commands:
                words = [a.lower() for a in args]
                if words[:2] == ["client", "setname"] and len(args) > 2:
                    self.names[flow] = args[2]
                elif words[0] == "hello" and "setname" in words[:-1]:
                    self.names[flow] = args[words.index("setname") + 1]

    def take(self):
        """The segments seen since the last take, by flow."""
        with self.lock:
            flows, self.flows = self.flows, {}
        return flows

    def stop(self):
        self.stopped.set()
        if self.available:
            self.join(timeout=5)
            self.sock.close()


def parse_commands(data):
    """The complete commands (RESP arrays of bulk strings, or inline) at the start of data: ([args], bytes used)."""
    commands, pos = [], 0
    while pos < len(data):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        if data[pos:pos + 1] != b"*":  # an inline command
            commands.append(data[pos:end].decode(errors="replace").split())
            pos = end + 2
            continue
        count, cursor, args = int(data[pos + 1:end]), end + 2, []
        for _ in range(count):
            end = data.find(b"\r\n", cursor)
            if end < 0:
                break
            size = int(data[cursor + 1:end])
            if end + 2 + size + 2 > len(data):
                break
            args.append(data[end + 2:end + 2 + size].decode(errors="replace"))
            cursor = end + 2 + size + 2
        if len(args) < count:
            break  # the rest of this command is in a later segment
        commands.append(args)
        pos = cursor
    return [c for c in commands if c], pos


CONTAINERS = {"client", "cluster", "config", "sentinel", "slowlog", "latency", "memory", "acl", "command",
              "object", "script", "function", "module", "xinfo", "pubsub"}


def command_name(args):
    """As INFO commandstats names it: `info`, `config|get`, `sentinel|masters`."""
    name = args[0].lower()
    if name in CONTAINERS and len(args) > 1:
        return f"{name}|{args[1].lower()}"
    return name


def is_the_groups_own(client):
    """A connection the deployment makes itself (a Sentinel's, a replica's or its primary's), or the bench's."""
    name, flags = client.get("name", ""), client.get("flags", "")
    return name.startswith("sentinel-") or name == "bench" or "S" in flags or "M" in flags


class Node:
    """One node as the bench reads it: a connection of its own (named `bench`), its pid for CPU time, and for a
    data node its INFO commandstats."""

    def __init__(self, address, kind):
        self.address, self.kind = address, kind
        self.conn = connect(address)
        self.conn.call("CLIENT", "SETNAME", "bench")
        self.pid = int(info_fields(self.conn, "server")["process_id"])
        self.probe = 0

    @property
    def sentinel(self):
        return self.kind == "sentinel"

    def calibrate(self):
        self.probe = 0 if self.sentinel else calibrate_probe(self.conn)

    def read(self):
        return (None if self.sentinel else commandstats(self.conn)), redis_cpu_ns(self.pid)

    def clients(self):
        """{addr: CLIENT LIST fields} of the connections open now."""
        out = {}
        for line in self.conn.call("CLIENT", "LIST").splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            out[fields.get("addr")] = fields
        return out


class Deployment:
    """Every node, the sniffer on their ports, and one window's observations at a time."""

    def __init__(self, kinds, addresses):
        self.nodes = {a: Node(a, kinds[a]) for a in addresses}
        self.sniffer = CommandSniffer([split_address(a)[1] for a in addresses])
        if self.sniffer.available:
            self.sniffer.start()

    def calibrate(self):
        for node in self.nodes.values():
            node.calibrate()

    def window(self, action):
        """Runs action(); returns {address: observation} for the time it took, and what action returned.

        An observation: seconds, the server's CPU, the INFO commandstats delta (data nodes), and what was read off
        the wire, split into the deployment's own connections and everyone else's (the side measured)."""
        before = {a: n.read() for a, n in self.nodes.items()}
        if self.sniffer.available:
            self.sniffer.take()
        t0 = time.monotonic()
        result = action()
        t1 = time.monotonic()
        after = {a: n.read() for a, n in self.nodes.items()}
        time.sleep(0.2)  # the sniffer's queue holds the window's last segments a moment longer
        flows = self.sniffer.take() if self.sniffer.available else None
        observations = {}
        for address, node in self.nodes.items():
            (stats0, cpu0), (stats1, cpu1) = before[address], after[address]
            observation = {"seconds": t1 - t0, "cpu_ns": cpu1 - cpu0}
            if not node.sentinel:
                observation["commands"] = stats_delta(stats0, stats1, node.probe)
            if flows is not None:
                observation.update(self._sorted_flows(node, flows))
            observations[address] = observation
        return observations, result

    def _sorted_flows(self, node, flows):
        """The side's connections apart from the deployment's own, told by CLIENT LIST (after the window, so a
        connection that closed meanwhile, as each exporter scrape's does, counts as the side's)."""
        clients = node.clients()
        tool, group, recorded = {}, {}, []
        for (client, server), segments in flows.items():
            if server != node.address:
                continue
            fields = clients.get(client) or {"name": self.sniffer.names.get((client, server), "")}
            counts = group if is_the_groups_own(fields) else tool
            for _, names in segments:
                for cmd in names:
                    counts[cmd] = counts.get(cmd, 0) + 1
            if counts is tool:
                recorded.append([[base64.b64encode(data).decode(), len(names)] for data, names in segments])
        return {"sniffed": tool, "sniffed_group": group, "flows": recorded}

    def close(self):
        self.sniffer.stop()


def own_commands(delta, background, seconds):
    """A window's INFO commandstats delta on one node with the group's own traffic taken out, pro rata.

    A command the group sends too (INFO, from the Sentinels) keeps what is above the background; a command left
    with no more than background noise (3 standard deviations, as if random) is dropped.
    """
    own = {}
    for cmd, (calls, usec) in delta.items():
        if cmd not in background:
            own[cmd] = [calls, usec]
            continue
        rate_calls, rate_usec = background[cmd]
        expected = rate_calls * seconds
        extra = calls - expected
        if extra > 3 * math.sqrt(expected) + 1:
            own[cmd] = [round(extra), max(0.0, usec - rate_usec * seconds)]
    return own


def cost_of(observation, background, polls_of):
    """One node, one window: polls, the side's commands {cmd: [calls, usec or None]} and Redis usec per poll."""
    if "commands" in observation:
        commands = own_commands(observation["commands"], background["commands"], observation["seconds"])
        usec = sum(u for _, u in commands.values())
    elif "sniffed" in observation:
        commands, usec = {cmd: [calls, None] for cmd, calls in observation["sniffed"].items()}, None
    else:
        commands, usec = None, None  # a Sentinel, and nothing read off the wire
    polls = polls_of(commands)
    return {"polls": polls, "seconds": observation["seconds"], "commands": commands,
            "usec_per_poll": usec / polls if polls and usec is not None else None, "flows": observation.get("flows")}


def group_rows(kinds, addresses):
    return sorted(addresses, key=lambda a: (KINDS.index(kinds[a]), a))


def cmd_background(args):
    """A quiet window: neither side polls; what the groups send themselves, per node and command."""
    section(f"Background: what the groups do by themselves ({args.seconds:.0f} s, neither side polling)")
    kinds = load_results(args.results)["kinds"]
    deployment = Deployment(kinds, args.node)
    deployment.calibrate()
    observations, _ = deployment.window(lambda: time.sleep(args.seconds))
    deployment.close()
    rates, rows = {}, []
    for address in group_rows(kinds, args.node):
        o = observations[address]
        seconds = o["seconds"]
        if "commands" in o:
            counts = {cmd: calls for cmd, (calls, _) in o["commands"].items()}
            usec = f"{sum(u for _, u in o['commands'].values()) / seconds:.1f}"
        else:
            counts, usec = o.get("sniffed_group", {}), "-"
        rates[address] = {"cpu_ns_per_s": o["cpu_ns"] / seconds,
                          "commands": {cmd: [calls / seconds, usec / seconds]
                                       for cmd, (calls, usec) in o.get("commands", {}).items()}}
        described = ", ".join(f"{cmd} {calls / seconds:.1f}/s" for cmd, calls in
                              sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append([address, kinds[address], f"{o['cpu_ns'] / seconds / 1000:.0f}", usec, described or "-"])
    table(["node", "role", "CPU usec/s", "commands usec/s", "commands"], rows)
    print("  (Sentinels: PING every second, a PUBLISH hello every 2 s, INFO every 10 s to each data node; replicas:"
          "\n   REPLCONF ACK every second. The commands are taken out of every window below, per node and command,"
          "\n   pro rata. CPU, the server's own cron and cluster bus included, is shown only: it wanders by more"
          "\n   than a poll costs from one window to the next, so the servers' CPU is charged by replay instead.)")
    if not deployment.sniffer.available:
        print(f"  ! nothing can be read off the wire ({deployment.sniffer.reason}): the Sentinels' commands and"
              " CPU are left out")
    save_results(args.results, {"background": rates})


def run_windows(kinds, deployment, background, count, action, polls_of):
    """count windows of action(), which returns its side's CPU over the window: per-node medians, command totals
    and the recorded traffic, and a row per window."""
    per_window, rows = [], []
    for window in range(1, count + 1):
        observations, cpu = deployment.window(action)
        costs = {a: cost_of(o, background[a], lambda commands, a=a, o=o: polls_of(a, o, commands))
                 for a, o in observations.items()}
        silent = [a for a, c in costs.items() if not c["polls"]]
        if silent:
            print(f"  ! window {window}: no poll seen on {', '.join(silent)}", file=sys.stderr)
        per_window.append(costs)
        seconds = next(iter(observations.values()))["seconds"]
        usec = sum((c["usec_per_poll"] or 0) * c["polls"] / c["seconds"] for c in costs.values())
        rows.append([window, f"{seconds:.1f}", sum(c["polls"] for c in costs.values()), f"{usec:.1f}",
                     cpu["ticks"], f"{cpu['ms_per_s']:.1f}"])
    summary, recordings = {}, {}
    for a in group_rows(kinds, per_window[0].keys()):
        usec = [w[a]["usec_per_poll"] for w in per_window if w[a]["usec_per_poll"] is not None]
        totals, polls, seconds = {}, 0, 0.0
        for w in per_window:
            polls += w[a]["polls"]
            seconds += w[a]["seconds"]
            for cmd, (calls, cost) in (w[a]["commands"] or {}).items():
                t = totals.setdefault(cmd, [0, None if cost is None else 0.0])
                t[0] += calls
                if cost is not None:
                    t[1] += cost
        seen = per_window[-1][a]["commands"] is not None
        summary[a] = {"usec_per_poll": median(usec) if usec else None, "polls": polls, "polls_per_s": polls / seconds,
                      "commands": totals if seen else None}
        if per_window[-1][a]["flows"] is not None:
            recordings[a] = {"polls": polls, "flows": [f for w in per_window for f in w[a]["flows"]]}
    return summary, recordings, rows


def finish_phase(side, args, summary, recordings, rows):
    cpu_values = [float(row[-1]) for row in rows]
    rows.append(["median", "", "", f"{sum((s['usec_per_poll'] or 0) * s['polls_per_s'] for s in summary.values()):.1f}",
                 "", f"{median(cpu_values):.1f}"])
    who = "agent" if side == "agent" else "exporters'"
    table(["window", "seconds", "polls", "Redis usec/s", "CPU ticks", f"{who} CPU ms/s"], rows)
    print("  Redis usec: INFO commandstats of the data nodes, the group's own traffic taken out (Sentinels keep"
          f"\n  none); CPU: /proc/PID/stat utime+stime ({1000 / CLK_TCK:.0f} ms ticks), all the side's processes,"
          " its idle work included")
    save_results(args.results, {f"{side}_nodes": summary, f"{side}_cpu_ms_per_s": median(cpu_values)})
    if recordings:
        path = os.path.join(os.path.dirname(os.path.abspath(args.results)), f"recorded-{side}.json")
        with open(path, "w") as f:
            json.dump(recordings, f)


def cmd_exporter_cost(args):
    """Phase A: the exporters alone, each scraped once a second (spread over the second, as Prometheus spreads its
    targets); the agent is not running."""
    exporters = [spec.split("=", 2) for spec in args.exporter]  # node=url=pid
    section(f"Phase A: the exporters alone, {len(exporters)} processes, each scraped once a second "
            f"({args.windows} windows x {args.scrapes} s)")
    results = load_results(args.results)
    kinds, background = results["kinds"], results["background"]
    deployment = Deployment(kinds, [node for node, _, _ in exporters])
    scrapers = {node: Scraper(url) for node, url, _ in exporters}
    pids = [int(pid) for _, _, pid in exporters]
    for _ in range(args.warmup):
        for scraper in scrapers.values():
            scraper.get()
    deployment.calibrate()
    ok = {}

    def scrape_for_a_window():
        ok.clear()
        ticks0, t0 = sum(cpu_ticks(p) for p in pids), time.monotonic()
        for second in range(args.scrapes):
            for i, (node, scraper) in enumerate(scrapers.items()):
                time.sleep(max(0.0, t0 + second + i / len(scrapers) - time.monotonic()))
                ok[node] = ok.get(node, 0) + (scraper.get() is not None)
        time.sleep(max(0.0, t0 + args.scrapes - time.monotonic()))
        ticks = sum(cpu_ticks(p) for p in pids) - ticks0
        return {"ticks": ticks, "ms_per_s": ticks * 1000 / CLK_TCK / (time.monotonic() - t0)}

    summary, recordings, rows = run_windows(kinds, deployment, background, args.windows, scrape_for_a_window,
                                            lambda address, observation, commands: ok.get(address, 0))
    deployment.close()
    finish_phase("exporter", args, summary, recordings, rows)
    errors = sum(s.errors for s in scrapers.values())
    print(f"  a round: one scrape of each of the {len(exporters)} exporters; {errors} scrape error(s)")
    save_results(args.results, {"exporter_scrape_errors": errors})


def cmd_agent_cost(args):
    """Phase B: the agent alone (the exporters idle: they query Redis only when scraped), its /metrics scraped
    once a second as Prometheus would, so its CPU holds rendering as the exporters' does."""
    section(f"Phase B: the agent alone, one JVM, {len(args.node)} members polled every {args.interval:g} s "
            f"({args.windows} windows x {args.window_s:.0f} s)")
    results = load_results(args.results)
    kinds, background = results["kinds"], results["background"]
    deployment = Deployment(kinds, args.node)
    print(f"  warm-up: {args.warmup:.0f} s of polling before measuring (JIT, the first CONFIG GET)")
    scraper = Scraper(args.url)
    stop = threading.Event()

    def scrape_every_second():
        next_at = time.monotonic() + 0.5
        while not stop.is_set():
            stop.wait(max(0.0, next_at - time.monotonic()))
            next_at += 1.0
            if not stop.is_set():
                scraper.get()

    scraping = threading.Thread(target=scrape_every_second, daemon=True)
    scraping.start()
    time.sleep(args.warmup)
    deployment.calibrate()

    def poll_for_a_window():
        ticks0, t0 = cpu_ticks(args.pid), time.monotonic()
        time.sleep(args.window_s)
        ticks = cpu_ticks(args.pid) - ticks0
        return {"ticks": ticks, "ms_per_s": ticks * 1000 / CLK_TCK / (time.monotonic() - t0)}

    def polls_of(address, observation, commands):
        if commands is None:  # a Sentinel, and nothing read off the wire: the polls due
            return round(observation["seconds"] / args.interval)
        # Every poll of a data node sends LATENCY LATEST, which nothing else in the group sends; a Sentinel gets
        # one INFO per poll and none from its peers.
        marker = "info" if kinds[address] == "sentinel" else "latency|latest"
        return (commands.get(marker) or [0])[0]

    try:
        summary, recordings, rows = run_windows(kinds, deployment, background, args.windows, poll_for_a_window,
                                                polls_of)
    finally:
        stop.set()
        scraping.join(timeout=15)
        deployment.close()
    finish_phase("agent", args, summary, recordings, rows)
    print(f"  a round: one poll of each of the {len(args.node)} members; /metrics scraped once a second"
          f" meanwhile ({scraper.errors} error(s))")
    save_results(args.results, {"agent_scrape_errors": scraper.errors})


# ---------------------------------------------------------------- replay: the servers' CPU per poll

def skip_reply(reader):
    """Reads one reply, RESP2 or RESP3, and throws it away."""
    line = reader.readline()
    if not line:
        raise ConnectionError("the server closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind in b"$=!":
        n = int(rest)
        if n >= 0:
            reader.read(n + 2)
    elif kind in b"*~>":
        for _ in range(max(0, int(rest))):
            skip_reply(reader)
    elif kind == b"%" or kind == b"|":
        for _ in range(2 * int(rest)):
            skip_reply(reader)
        if kind == b"|":
            skip_reply(reader)  # the value the attributes belong to


def replay_flows(address, flows):
    """Each recorded connection again: connect, send each recorded segment, read its replies, close."""
    host, port = split_address(address)
    for flow in flows:
        with socket.create_connection((host, port), timeout=10) as sock:
            reader = sock.makefile("rb")
            for data, replies in flow:
                sock.sendall(base64.b64decode(data))
                for _ in range(replies):
                    skip_reply(reader)


def cmd_replay(args):
    """Each side's recorded traffic to each server, sent again with nothing else polling, the server's CPU read
    around it: what the side costs the server per poll, reading requests, writing replies and connecting included."""
    section(f"Server CPU per poll, by replay (each side's recorded traffic sent again, {args.repeat} times, sides"
            " alternating)")
    r = load_results(args.results)
    kinds, background = r["kinds"], r["background"]
    recorded = {}
    for side in ("exporter", "agent"):
        path = os.path.join(os.path.dirname(os.path.abspath(args.results)), f"recorded-{side}.json")
        if not os.path.exists(path):
            print("  (nothing was recorded: reading traffic off the wire needs CAP_NET_RAW)")
            return 0
        with open(path) as f:
            recorded[side] = json.load(f)
    cpu, rows = {}, []
    for address in group_rows(kinds, recorded["agent"].keys()):
        pid = int(info_fields(connect(address), "server")["process_id"])
        samples_ = {"exporter": [], "agent": []}
        for _ in range(args.repeat):
            for side in ("exporter", "agent"):
                recording = recorded[side][address]
                t0, c0 = time.monotonic(), redis_cpu_ns(pid)
                replay_flows(address, recording["flows"])
                c1, t1 = redis_cpu_ns(pid), time.monotonic()
                spent = c1 - c0 - background[address]["cpu_ns_per_s"] * (t1 - t0)
                samples_[side].append(spent / 1000 / max(1, recording["polls"]))
        cpu[address] = {side: median(values) for side, values in samples_.items()}
        e, g = cpu[address]["exporter"], cpu[address]["agent"]
        rows.append([address, kinds[address], recorded["exporter"][address]["polls"],
                     recorded["agent"][address]["polls"], f"{e:.0f}", f"{g:.0f}", f"{g / e:.2f}x"])
    table(["node", "role", "scrapes", "polls", "exporter CPU us/scrape", "agent CPU us/poll", "agent/exporter"],
          rows)
    print("  (each recorded connection replayed as it was: the exporter's new connection per scrape, one command at"
          "\n   a time; the agent's pipelined polls on one connection. Back to back, so the server's caches are"
          "\n   warmer than at one poll a second, alike for both sides; the background's CPU rate is subtracted)")
    save_results(args.results, {"replay_cpu_usec_per_poll": cpu})


# ---------------------------------------------------------------- the side-by-side report

def fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def cmd_compare(args):
    r = load_results(args.results)
    kinds = r["kinds"]
    agent, exporter = r["agent_nodes"], r["exporter_nodes"]
    replayed = r.get("replay_cpu_usec_per_poll", {})
    addresses = group_rows(kinds, agent.keys())

    section("Redis cost per poll, per node, and per second at each side's pace")
    rows, sums = [], {}
    for a in addresses:
        e, g = exporter[a], agent[a]
        cpu = replayed.get(a, {})
        per_s = {"exporter_usec": (e["usec_per_poll"] or 0) * e["polls_per_s"],
                 "agent_usec": (g["usec_per_poll"] or 0) * g["polls_per_s"],
                 "exporter_cpu": (cpu.get("exporter") or 0) * e["polls_per_s"],
                 "agent_cpu": (cpu.get("agent") or 0) * g["polls_per_s"]}
        rows.append([a, kinds[a], f"{g['polls_per_s']:.2f}", fmt(e["usec_per_poll"]), fmt(g["usec_per_poll"]),
                     ratio(per_s["agent_usec"] or None, per_s["exporter_usec"]), fmt(cpu.get("exporter"), 0),
                     fmt(cpu.get("agent"), 0), ratio(per_s["agent_cpu"] or None, per_s["exporter_cpu"])])
        for name in (group_of(kinds[a]), "every node"):
            entry = sums.setdefault(name, {"nodes": 0, "exporter_usec": 0.0, "agent_usec": 0.0,
                                           "exporter_cpu": 0.0, "agent_cpu": 0.0})
            entry["nodes"] += 1
            for key, value in per_s.items():
                entry[key] += value
    table(["node", "role", "agent polls/s", "exporter usec", "agent usec", "ratio/s", "exporter CPU us",
           "agent CPU us", "ratio/s"], rows)
    print()
    rows = []
    for name, entry in sums.items():
        usec = (entry["exporter_usec"], entry["agent_usec"]) if entry["exporter_usec"] else (None, None)
        rows.append([name, entry["nodes"], fmt(usec[0]), fmt(usec[1]), ratio(usec[1], usec[0]),
                     fmt(entry["exporter_cpu"], 0), fmt(entry["agent_cpu"], 0),
                     ratio(entry["agent_cpu"], entry["exporter_cpu"])])
    table(["per second, summed", "nodes", "exporter usec/s", "agent usec/s", "ratio", "exporter CPU us/s",
           "agent CPU us/s", "ratio"], rows)
    print("  usec: Redis time per scrape (exporter, 1 a second) or poll (agent), INFO commandstats over the windows"
          "\n  (median), the group's own traffic taken out; Sentinels keep none. CPU us: the server's CPU per scrape"
          "\n  or poll by replay, which also holds reading requests, writing replies and the exporter's new"
          "\n  connection per scrape. Ratios are per second, as each side polls: a node the agent polls twice a"
          "\n  second costs it twice its per-poll figure")
    doubled = [a for a in addresses if agent[a]["polls_per_s"] > 1.5]
    if doubled:
        print(f"  ! the agent polls {', '.join(doubled)} more than once a second (its poll interval is 1 s)")
    save_results(args.results, {"sums": sums, "agent_polled_more_than_due": doubled})

    section("Commands sent per poll, by role (calls/poll and usec/poll, mean over the nodes of the role)")
    for kind in KINDS:
        members = [a for a in addresses if kinds[a] == kind]
        if not members:
            continue
        sides = {"exporter": mean_commands(exporter, members), "agent": mean_commands(agent, members)}
        print(f"\n  {kind} ({len(members)}: {', '.join(members)})")
        if sides["exporter"] is None or sides["agent"] is None:
            print("    (not seen: reading Sentinels' commands off the wire needs CAP_NET_RAW)")
            continue
        names = sorted(set(sides["exporter"]) | set(sides["agent"]),
                       key=lambda c: (-max(sides["exporter"].get(c, (0, 0))[1] or 0,
                                           sides["agent"].get(c, (0, 0))[1] or 0),
                                      -max(sides["exporter"].get(c, (0, 0))[0], sides["agent"].get(c, (0, 0))[0]), c))
        rows = []
        for cmd in names:
            row = [cmd]
            for side in ("exporter", "agent"):
                calls, usec = sides[side].get(cmd, (0, None))
                row += [f"{calls:.2f}" if calls else "-", fmt(usec) if calls else "-"]
            rows.append(row)
        total = ["TOTAL"]
        for side in ("exporter", "agent"):
            values = sides[side].values()
            total += [f"{sum(c for c, _ in values):.2f}",
                      fmt(None if kind == "sentinel" else sum(u or 0 for _, u in values))]
        rows.append(total)
        table(["command", "exporter calls", "exporter usec", "agent calls", "agent usec"], rows, indent="    ")
    print("\n  (Sentinels: the commands read off the loopback interface, their cost only as the CPU above)")


def group_of(kind):
    if kind.startswith("cluster"):
        return "cluster"
    return "sentinels" if kind == "sentinel" else "sentinel data nodes"


def mean_commands(nodes, members):
    """{cmd: (calls per poll, usec per poll or None)} averaged over the members; None when not seen."""
    out = {}
    for a in members:
        polls, commands = nodes[a]["polls"], nodes[a]["commands"]
        if commands is None:
            return None
        if not polls:
            continue
        for cmd, (calls, usec) in commands.items():
            c, u = out.get(cmd, (0.0, None if usec is None else 0.0))
            out[cmd] = (c + calls / polls / len(members), None if usec is None else u + usec / polls / len(members))
    return out


def cmd_members(args):
    """The members the agent found, as its /metrics shows them."""
    text = Scraper(args.url).get()[2].decode()
    rows = []
    for name, labels, value in samples(text):
        if name == "redis_up":
            rows.append([labels.get("target", ""), labels.get("node", ""), int(value)])
    role = {(l.get("target"), l.get("node")): l.get("role", "") for n, l, _ in samples(text)
            if n == "redis_instance_info"}
    table(["target", "node", "redis_up", "role"], [row + [role.get((row[0], row[1]), "")] for row in sorted(rows)])
    up, _, total = up_counts(text)
    save_results(args.results, {"agent_members_up": up, "agent_members": total})


def cmd_memory(args):
    section("Memory at the end of the run")
    agent_rss, agent_hwm = rss_mb(args.agent), proc_status_kb(args.agent, "VmHWM") / 1024
    used, committed, metaspace, _ = heap_info(args.agent)
    exporters = [(rss_mb(p), proc_status_kb(p, "VmHWM") / 1024) for p in args.exporter]
    rss_sum, hwm_sum = sum(r for r, _ in exporters), sum(h for _, h in exporters)
    table(["process(es)", "count", "VmRSS MB", "VmHWM MB", "note"], [
        ["agent", 1, f"{agent_rss:.1f}", f"{agent_hwm:.1f}",
         f"heap {used:.1f} used / {committed:.1f} committed, metaspace {metaspace:.1f}"],
        ["exporters (sum)", len(exporters), f"{rss_sum:.1f}", f"{hwm_sum:.1f}",
         f"each {min(r for r, _ in exporters):.1f}-{max(r for r, _ in exporters):.1f} MB"],
    ])
    print(f"\n  ratio agent/exporters: RSS {agent_rss / rss_sum:.2f}x, VmHWM {agent_hwm / hwm_sum:.2f}x")
    save_results(args.results, {"agent_rss_mb": agent_rss, "exporters_rss_mb": rss_sum,
                                "agent_heap_used_mb": used})


def cmd_summary(args):
    r = load_results(args.results)
    section("Summary against the targets")

    def verdict(ok):
        return "PASS" if ok else "MISS"

    rows = []
    if "agent_members" in r:
        n = len(r["kinds"])
        rows.append(["members the agent watches, redis_up 1", f"{r['agent_members_up']} of {n}", "", f"{n}",
                     verdict(r["agent_members_up"] == n)])
    if "agent_polled_more_than_due" in r:
        n = len(r["kinds"])
        once = n - len(r["agent_polled_more_than_due"])
        rows.append(["members the agent polls once per interval", f"{once} of {n}", "", f"{n}", verdict(once == n)])
    sums = r.get("sums", {})
    # Redis time (commandstats) where Redis keeps it: the project's target, half the exporter's. Sentinels keep
    # none; there, the Sentinel process's CPU, at most the exporter's.
    for name in ("cluster", "sentinel data nodes"):
        if name in sums and sums[name]["exporter_usec"]:
            g, e, n = sums[name]["agent_usec"], sums[name]["exporter_usec"], sums[name]["nodes"]
            rows.append([f"Redis usec per second, {name} ({n})", f"{g:.1f} / {e:.1f} us", f"{g / e:.2f}x",
                         "<= 0.50x", verdict(g / e <= 0.5)])
    if "sentinels" in sums and sums["sentinels"]["exporter_cpu"] > 0:
        g, e, n = sums["sentinels"]["agent_cpu"], sums["sentinels"]["exporter_cpu"], sums["sentinels"]["nodes"]
        rows.append([f"Sentinel CPU per second, replayed ({n})", f"{g:.0f} / {e:.0f} us", f"{g / e:.2f}x", "<= 1.00x",
                     verdict(g / e <= 1.0)])
    a, e = r.get("agent_cpu_ms_per_s"), r.get("exporter_cpu_ms_per_s")
    if a is not None and e:
        rows.append(["CPU, agent / all exporters", f"{a:.1f} / {e:.1f} ms/s", f"{a / e:.2f}x", "<= 1.00x",
                     verdict(a / e <= 1.0)])
    a, e = r.get("agent_rss_mb"), r.get("exporters_rss_mb")
    if a and e:
        rows.append(["RSS, agent / all exporters", f"{a:.1f} / {e:.1f} MB", f"{a / e:.2f}x", "<= 1.00x",
                     verdict(a / e <= 1.0)])
        rows.append(["agent RSS", f"{a:.1f} MB", "", "< 128 MB", verdict(a < 128)])
    table(["target", "agent / exporters", "ratio", "goal", "verdict"], rows)
    info = [["scrape errors: exporters (phase A) / agent (phase B)",
             f"{r.get('exporter_scrape_errors', '?')} / {r.get('agent_scrape_errors', '?')}"]]
    if "every node" in sums:
        g, e = sums["every node"]["agent_cpu"], sums["every node"]["exporter_cpu"]
        info.append(["server CPU per second, every server (replayed)", f"{g:.0f} / {e:.0f} us = {ratio(g, e)}"])
    if "agent_cpu_ms_per_s" in r and "kinds" in r:
        n = len(r["kinds"])
        info.append(["CPU per member and second, agent / exporter",
                     f"{r['agent_cpu_ms_per_s'] / n:.2f} / {r['exporter_cpu_ms_per_s'] / n:.2f} ms"])
    print()
    table(["for information", "value"], info)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", help="JSON file the key numbers are added to")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ports")
    p.add_argument("count", type=int)
    p.set_defaults(func=cmd_ports)

    p = sub.add_parser("slot-tag")
    p.add_argument("--node", required=True)
    p.set_defaults(func=cmd_slot_tag)

    p = sub.add_parser("resp-sets")
    p.add_argument("--prefix", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--size", type=int, default=64)
    p.set_defaults(func=cmd_resp_sets)

    p = sub.add_parser("wait-cluster")
    p.add_argument("--node", action="append", required=True)
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(func=cmd_wait_cluster)

    p = sub.add_parser("wait-replicas")
    p.add_argument("--node", action="append", required=True)
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(func=cmd_wait_replicas)

    p = sub.add_parser("wait-sentinels")
    p.add_argument("--sentinel", action="append", required=True)
    p.add_argument("--master", default="mymaster")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(func=cmd_wait_sentinels)

    p = sub.add_parser("topology")
    p.add_argument("--node", action="append", required=True)
    p.set_defaults(func=cmd_topology)

    p = sub.add_parser("background")
    p.add_argument("--node", action="append", required=True)
    p.add_argument("--seconds", type=float, default=40)
    p.set_defaults(func=cmd_background)

    p = sub.add_parser("exporter-cost")
    p.add_argument("--exporter", action="append", required=True, help="node=url=pid")
    p.add_argument("--warmup", type=int, default=5, help="rounds of scrapes before measuring")
    p.add_argument("--scrapes", type=int, default=40, help="scrapes of each exporter per window, one a second")
    p.add_argument("--windows", type=int, default=3)
    p.set_defaults(func=cmd_exporter_cost)

    p = sub.add_parser("agent-cost")
    p.add_argument("--pid", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--node", action="append", required=True)
    p.add_argument("--interval", type=float, default=1)
    p.add_argument("--warmup", type=float, default=20)
    p.add_argument("--window-s", type=float, default=40)
    p.add_argument("--windows", type=int, default=3)
    p.set_defaults(func=cmd_agent_cost)

    p = sub.add_parser("replay")
    p.add_argument("--repeat", type=int, default=5)
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("members")
    p.add_argument("--url", required=True)
    p.set_defaults(func=cmd_members)

    p = sub.add_parser("compare")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("memory")
    p.add_argument("--agent", required=True)
    p.add_argument("--exporter", action="append", required=True)
    p.set_defaults(func=cmd_memory)

    p = sub.add_parser("summary")
    p.set_defaults(func=cmd_summary)

    args = parser.parse_args()
    sys.exit(args.func(args) or 0)


if __name__ == "__main__":
    main()
