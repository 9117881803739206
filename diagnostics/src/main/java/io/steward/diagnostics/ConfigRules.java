package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

import io.steward.collector.CommandStats;
import io.steward.collector.Keyspace;
import io.steward.collector.Numbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Settings and habits that hurt quietly: keepalives, logical databases, KEYS, a limit written in the wrong unit. */
final class ConfigRules {

    static final double TINY_MAXMEMORY = Units.MIB;

    private ConfigRules() {}

    static List<Rule> all() {
        return List.of(tcpKeepaliveOff(), multipleDatabases(), keysCommand(), tinyMaxmemory(), clusterState());
    }

    static Rule tcpKeepaliveOff() {
        return Rule.of("config-tcp-keepalive-off", Area.CONFIG, Set.of(Source.CONFIG), o -> {
            if (o.config("tcp-keepalive").orElse(-1) != 0) {
                return Optional.empty();
            }
            boolean noTimeout = o.config("timeout").orElse(0) == 0;
            return Optional.of(new Symptom(
                    noTimeout ? Severity.WARNING : Severity.INFO,
                    "tcp-keepalive is off: connections of vanished clients stay open"
                            + (noTimeout ? " forever" : " until the idle timeout"),
                    List.of(
                            "tcp-keepalive 0, timeout " + o.config("timeout").orElse(0) + " s",
                            "a client whose host died or whose NAT entry expired keeps a connection slot and its memory"),
                    "CONFIG SET tcp-keepalive 300 (the default since Redis 3.2)\nand tcp-keepalive 300 in redis.conf"));
        });
    }

    static Rule multipleDatabases() {
        return Rule.of("config-multiple-databases", Area.CONFIG, Set.of(Source.INFO), o -> {
            List<Keyspace.Database> used = o.keyspace().databases().stream()
                    .filter(db -> db.keys() > 0)
                    .toList();
            if (o.isCluster() || used.size() < 2) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            used.forEach(db -> evidence.add(db.name() + ": " + count(db.keys(), "key")));
            return Optional.of(new Symptom(
                    Severity.INFO,
                    used.size() + " logical databases hold keys",
                    evidence,
                    "Databases share one thread, one memory limit and one persistence file, and Redis Cluster has"
                            + " only db0: use separate instances, or key prefixes in db0"));
        });
    }

    static Rule keysCommand() {
        return Rule.of("config-keys-command", Area.CONFIG, Set.of(Source.INFO), o -> {
            CommandStats.Command keys = o.commands().commands().get("keys");
            if (keys == null || keys.calls() <= 0) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("cmdstat_keys: " + count(keys.calls(), "call") + " since start, "
                    + Units.millis(keys.usec() / keys.calls() / 1000) + " each on average, over "
                    + count(o.keyspace().totalKeys(), "key") + " now");
            o.callsDelta("keys").ifPresent(d -> {
                if (d > 0) {
                    evidence.add(
                            "still in use: " + count(d, "call") + " during the " + duration(o.seconds()) + " sample");
                }
            });
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "KEYS is in use: it walks every key while all other clients wait",
                    evidence,
                    "Replace KEYS with SCAN (SCAN 0 MATCH pattern COUNT 1000, repeated until the cursor is 0)"
                            + "\nTo stop it outright: ACL SETUSER <application user> -keys"));
        });
    }

    static Rule tinyMaxmemory() {
        return Rule.of("config-maxmemory-tiny", Area.CONFIG, Set.of(Source.INFO), o -> {
            double max = o.number("maxmemory", 0);
            if (max <= 0 || max >= TINY_MAXMEMORY) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "maxmemory is " + bytes(max) + ": probably a unit mistake",
                    List.of("maxmemory " + count(max) + " bytes; Redis reads a number without a unit as bytes"),
                    "Write the unit: CONFIG SET maxmemory " + count(max) + "mb (or gb)"));
        });
    }

    static Rule clusterState() {
        return Rule.of("cluster-state", Area.CLUSTER, Set.of(Source.INFO, Source.CLUSTER), o -> {
            if (!o.isCluster()) {
                return Optional.empty();
            }
            String state = o.clusterInfo().getOrDefault("cluster_state", "?");
            long assigned = slots(o, "cluster_slots_assigned");
            long ok = slots(o, "cluster_slots_ok");
            long pfail = slots(o, "cluster_slots_pfail");
            long fail = slots(o, "cluster_slots_fail");
            boolean broken = !state.equals("ok") || assigned < 16384 || ok < 16384 || fail > 0;
            if (!broken && pfail == 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    broken ? Severity.CRITICAL : Severity.WARNING,
                    broken
                            ? "The cluster is " + state + ": some keys cannot be served"
                            : count(pfail, "slot") + (pfail == 1 ? " is" : " are") + " on nodes that may be failing",
                    List.of(
                            "cluster_state " + state + ", slots assigned " + assigned + ", ok " + ok + ", pfail "
                                    + pfail + ", fail " + fail + " (of 16384)",
                            "cluster_known_nodes " + o.clusterInfo().getOrDefault("cluster_known_nodes", "?")),
                    "CLUSTER NODES shows which nodes fail; bring them back or let their replicas take over"
                            + "\nAssign uncovered slots: redis-cli --cluster fix "
                            + o.target().address()));
        });
    }

    /** A slot count of CLUSTER INFO; one the node does not report counts as none. */
    private static long slots(Observation o, String field) {
        return Numbers.wholeNumber(o.clusterInfo().get(field)).orElse(0);
    }
}
