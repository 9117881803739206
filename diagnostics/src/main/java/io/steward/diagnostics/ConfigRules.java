package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;

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
            List<Observation.Keyspace> used =
                    o.keyspace().stream().filter(k -> k.keys() > 0).toList();
            if (o.isCluster() || used.size() < 2) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            used.forEach(k -> evidence.add(k.db() + ": " + count(k.keys(), "key")));
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
            double calls = o.nested("cmdstat_keys", "calls");
            if (calls <= 0) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("cmdstat_keys: " + count(calls, "call") + " since start, "
                    + Units.millis(o.nested("cmdstat_keys", "usec_per_call") / 1000) + " each on average, over "
                    + count(o.keyspace().stream()
                            .mapToLong(Observation.Keyspace::keys)
                            .sum()) + " keys now");
            o.nestedDelta("cmdstat_keys", "calls").ifPresent(d -> {
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
            long assigned = parse(o.clusterInfo().get("cluster_slots_assigned"));
            long ok = parse(o.clusterInfo().get("cluster_slots_ok"));
            long pfail = parse(o.clusterInfo().get("cluster_slots_pfail"));
            long fail = parse(o.clusterInfo().get("cluster_slots_fail"));
            boolean broken = !state.equals("ok") || assigned < 16384 || ok < 16384 || fail > 0;
            if (!broken && pfail == 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    broken ? Severity.CRITICAL : Severity.WARNING,
                    broken
                            ? "The cluster is " + state + ": some keys cannot be served"
                            : pfail + " slots are on nodes that may be failing",
                    List.of(
                            "cluster_state " + state + ", slots assigned " + assigned + ", ok " + ok + ", pfail "
                                    + pfail + ", fail " + fail + " (of 16384)",
                            "cluster_known_nodes " + o.clusterInfo().getOrDefault("cluster_known_nodes", "?")),
                    "CLUSTER NODES shows which nodes fail; bring them back or let their replicas take over"
                            + "\nAssign uncovered slots: redis-cli --cluster fix "
                            + o.target().address()));
        });
    }

    private static long parse(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }
}
