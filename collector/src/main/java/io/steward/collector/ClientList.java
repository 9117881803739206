package io.steward.collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A summary of {@code CLIENT LIST}: counts by kind and the few application clients (not replication links) with
 * the biggest buffers. Only the
 * summary is kept, so a server with many thousands of connections costs the doctor a handful of objects.
 */
public record ClientList(
        int total, int replicas, int pubsub, int blocked, List<Client> biggestOutput, List<Client> biggestQuery) {

    static final int KEEP = 3;

    /** One connection as {@code CLIENT LIST} shows it; {@code omem} and {@code qbuf} in bytes. */
    public record Client(
            long id,
            String addr,
            String name,
            String flags,
            String cmd,
            long omem,
            long qbuf,
            long totalMemory,
            long outputListLength) {

        public boolean isReplica() {
            return flags.contains("S");
        }

        /** A replica, or on a replica the link to its primary: their buffers belong to replication. */
        public boolean isReplication() {
            return isReplica() || flags.contains("M");
        }

        /** {@code 127.0.0.1:51234 (name worker-1, last command get)}. */
        public String describe() {
            return addr + " (" + (name.isEmpty() ? "" : "name " + name + ", ") + "last command " + cmd + ")";
        }
    }

    public ClientList {
        biggestOutput = List.copyOf(biggestOutput);
        biggestQuery = List.copyOf(biggestQuery);
    }

    static ClientList parse(String text) {
        int total = 0;
        int replicas = 0;
        int pubsub = 0;
        int blocked = 0;
        List<Client> output = new ArrayList<>();
        List<Client> query = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            // Any blank separates fields (Redis refuses one in a client's name), so a stray \r stays out of a value.
            for (String pair : line.strip().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            Client client = new Client(
                    number(fields, "id"),
                    fields.getOrDefault("addr", "?"),
                    fields.getOrDefault("name", ""),
                    fields.getOrDefault("flags", ""),
                    fields.getOrDefault("cmd", "?"),
                    number(fields, "omem"),
                    number(fields, "qbuf"),
                    number(fields, "tot-mem"),
                    number(fields, "oll"));
            total++;
            if (client.isReplica()) {
                replicas++;
            }
            if (number(fields, "sub") + number(fields, "psub") + number(fields, "ssub") > 0) {
                pubsub++;
            }
            if (client.flags().contains("b")) {
                blocked++;
            }
            if (!client.isReplication()) {
                keepBiggest(output, client, Comparator.comparingLong(Client::omem));
                keepBiggest(query, client, Comparator.comparingLong(Client::qbuf));
            }
        }
        return new ClientList(total, replicas, pubsub, blocked, output, query);
    }

    private static void keepBiggest(List<Client> top, Client candidate, Comparator<Client> size) {
        top.add(candidate);
        top.sort(size.reversed());
        if (top.size() > KEEP) {
            top.remove(KEEP);
        }
    }

    /** CLIENT LIST always sends these fields; one that does not parse counts as none. */
    private static long number(Map<String, String> fields, String name) {
        return Numbers.wholeNumber(fields.get(name)).orElse(0);
    }
}
