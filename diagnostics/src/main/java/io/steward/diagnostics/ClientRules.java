package io.steward.diagnostics;

import static io.steward.diagnostics.Units.KIB;
import static io.steward.diagnostics.Units.MIB;
import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.count;
import static io.steward.diagnostics.Units.duration;
import static io.steward.diagnostics.Units.perSecond;
import static io.steward.diagnostics.Units.percent;

import io.steward.collector.ClientList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Clients: connection limits, buffers that eat memory, and the errors clients get back. */
final class ClientRules {

    static final double NEAR_MAXCLIENTS = 0.9;
    static final double BIG_OUTPUT = 16 * MIB;
    static final double BIG_AVERAGE = 200 * KIB;
    static final double BIG_REPLICA_BUFFERS = 10 * MIB;
    static final double ERRORS_PER_SECOND = 5;
    static final double NORMAL_OUTPUT_LIMIT = 256 * MIB;

    /** What each error prefix usually means, and which finding tells more. */
    private static final Map<String, String> ERROR_MEANING = Map.of(
            "OOM", "memory is at maxmemory (memory-noeviction-at-limit)",
            "MISCONF", "persistence is failing and writes are refused (persistence-rdb-failed)",
            "READONLY", "clients write to a replica: they follow a stale primary address after a failover",
            "NOAUTH", "clients without credentials (security-auth-failures)",
            "WRONGPASS", "clients with wrong credentials (security-auth-failures)",
            "NOREPLICAS", "writes refused by min-replicas-to-write (replication-min-replicas-blocking)",
            "NOPERM", "clients run commands their ACL user may not",
            "WRONGTYPE", "the application uses a key as the wrong type",
            "NOSCRIPT", "EVALSHA of a script the server does not have (after a restart or SCRIPT FLUSH)",
            "ERR", "generic errors: unknown commands, wrong arguments");

    private ClientRules() {}

    static List<Rule> all() {
        return List.of(
                nearMaxclients(),
                rejected(),
                outputBuffers(),
                clientMemory(),
                replicaBuffers(),
                blocked(),
                errorReplies());
    }

    static Rule nearMaxclients() {
        return Rule.of("clients-near-maxclients", Area.CLIENTS, Set.of(Source.INFO), o -> {
            double max = o.number("maxclients").orElse(o.config("maxclients").orElse(0));
            double connected = o.number("connected_clients", 0);
            if (max <= 0 || connected / max <= NEAR_MAXCLIENTS) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(connected) + " of " + count(max, "client connection") + " in use: new ones will be refused",
                    List.of("connected_clients " + count(connected) + " is " + percent(connected / max)
                            + " of maxclients " + count(max) + " (warning above " + percent(NEAR_MAXCLIENTS) + ")"),
                    maxclientsRemedy(max)));
        });
    }

    static Rule rejected() {
        return Rule.of("clients-rejected", Area.CLIENTS, Set.of(Source.INFO, Source.RATES), o -> {
            double rejected = o.delta("rejected_connections").orElse(0);
            if (rejected <= 0) {
                return Optional.empty();
            }
            double max = o.number("maxclients").orElse(o.config("maxclients").orElse(0));
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Redis refused " + count(rejected, "connection") + " during the sample: maxclients is reached",
                    List.of(
                            "rejected_connections grew by " + count(rejected) + " in " + duration(o.seconds()) + " ("
                                    + count(o.number("rejected_connections", 0)) + " since start)",
                            "connected_clients " + count(o.number("connected_clients", 0)) + ", maxclients "
                                    + count(max)),
                    maxclientsRemedy(max)));
        });
    }

    static Rule outputBuffers() {
        return Rule.of("clients-output-buffers", Area.CLIENTS, Set.of(Source.CLIENT_LIST), o -> {
            ClientList clients = o.clients().orElseThrow(); // the rule runs only when CLIENT LIST was read
            List<ClientList.Client> big = clients.biggestOutput().stream()
                    .filter(c -> c.omem() >= BIG_OUTPUT)
                    .toList();
            if (big.isEmpty()) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            for (ClientList.Client client : big) {
                evidence.add("client " + client.describe() + ": output buffer " + bytes(client.omem()) + " ("
                        + count(client.outputListLength(), "reply") + " waiting)");
            }
            evidence.add("warning from " + bytes(BIG_OUTPUT) + " per client; " + count(clients.total(), "client")
                    + " in CLIENT LIST");
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    count(big.size(), "client") + (big.size() == 1 ? " does not read its" : " do not read their")
                            + " replies: " + bytes(big.get(0).omem()) + " waiting",
                    evidence,
                    "Fix the client: a slow pub/sub consumer, a pipeline that never reads, or a huge reply"
                            + " (HGETALL or LRANGE of a big key)\nCap the damage: CONFIG SET maxmemory-clients 5%"
                            + " (Redis 7+) or " + normalLimit(o)
                            + "\nFree it now: CLIENT KILL ID " + big.get(0).id()));
        });
    }

    static Rule clientMemory() {
        return Rule.of("clients-memory", Area.CLIENTS, Set.of(Source.INFO), o -> {
            double clients = o.number("connected_clients", 0);
            double memory = o.number("mem_clients_normal", 0);
            if (clients <= 0 || memory / clients <= BIG_AVERAGE) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("mem_clients_normal " + bytes(memory) + " over " + count(clients, "client") + ": "
                    + bytes(memory / clients) + " each on average (warning above " + bytes(BIG_AVERAGE) + ")");
            ServerAdvice.memoryDoctorAgrees(o, "Big client buffers").ifPresent(evidence::add);
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Client buffers hold " + bytes(memory) + ", memory the data cannot use",
                    evidence,
                    "Find the clients with big buffers: CLIENT LIST (omem, qbuf, tot-mem); slow pub/sub consumers,"
                            + " huge pipelines and big replies are the usual causes\nCap them: CONFIG SET"
                            + " maxmemory-clients 5% (Redis 7+)"));
        });
    }

    static Rule replicaBuffers() {
        return Rule.of("clients-replica-buffers", Area.CLIENTS, Set.of(Source.INFO), o -> {
            double buffers = o.number("mem_clients_slaves", 0);
            if (o.number("connected_slaves", 0) <= 0 || buffers <= BIG_REPLICA_BUFFERS) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add(
                    "mem_clients_slaves " + bytes(buffers) + " for " + count(o.number("connected_slaves", 0), "replica")
                            + " (warning above " + bytes(BIG_REPLICA_BUFFERS) + ")");
            ServerAdvice.memoryDoctorAgrees(o, "Big replica buffers").ifPresent(evidence::add);
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Replication buffers hold " + bytes(buffers) + ": a replica is not keeping up",
                    evidence,
                    "See replication-lag for which replica; check its network, CPU and disk. The buffer is capped by"
                            + " client-output-buffer-limit replica"));
        });
    }

    static Rule blocked() {
        return Rule.of("clients-blocked", Area.CLIENTS, Set.of(Source.INFO), o -> {
            double blocked = o.number("blocked_clients", 0);
            if (blocked <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Symptom(
                    Severity.INFO,
                    count(blocked, "client") + " blocked, waiting for data",
                    List.of("blocked_clients " + count(blocked)),
                    "Normal if the application uses BLPOP, BRPOP, BLMOVE, XREAD BLOCK or WAIT; otherwise find them"
                            + " in CLIENT LIST (flags=b, cmd shows the command)"));
        });
    }

    static Rule errorReplies() {
        return Rule.of("clients-error-replies", Area.CLIENTS, Set.of(Source.INFO, Source.RATES), o -> {
            double errors = o.delta("total_error_replies").orElse(0);
            if (errors / o.seconds() <= ERRORS_PER_SECOND) {
                return Optional.empty();
            }
            List<String> evidence = new ArrayList<>();
            evidence.add("total_error_replies grew by " + count(errors) + " in " + duration(o.seconds()) + " ("
                    + perSecond(errors / o.seconds()) + ", warning above " + perSecond(ERRORS_PER_SECOND) + ")");
            List<String> meanings = new ArrayList<>();
            o.errorGrowth().entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .limit(4)
                    .forEach(e -> {
                        evidence.add("errorstat_" + e.getKey() + " +" + count(e.getValue()));
                        meanings.add(e.getKey() + ": " + ERROR_MEANING.getOrDefault(e.getKey(), "see the error text"));
                    });
            return Optional.of(new Symptom(
                    Severity.WARNING,
                    "Clients get " + perSecond(errors / o.seconds()) + " error replies",
                    evidence,
                    "The errors point at the cause:\n" + String.join("\n", meanings)));
        });
    }

    /** A limit for normal clients' output: 256mb hard and a quarter of it soft, as far as the memory left allows. */
    static String normalLimit(Observation o) {
        Sizing.Size hard = Sizing.buffer(o, NORMAL_OUTPUT_LIMIT);
        return "client-output-buffer-limit \"normal " + hard.config() + " " + Units.configSizeDown(hard.bytes() / 4)
                + " 60\"" + (hard.bounded() ? " (" + hard.bound() + ")" : "");
    }

    private static String maxclientsRemedy(double max) {
        return "Let clients share pooled, long-lived connections instead of opening one per request\nIf more are"
                + " really needed: CONFIG SET maxclients " + count(Math.max(max * 2, 1000))
                + " (and raise the open-files limit, ulimit -n or LimitNOFILE, above it)";
    }
}
