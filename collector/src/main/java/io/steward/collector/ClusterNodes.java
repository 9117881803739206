package io.steward.collector;

import io.steward.collector.ClusterNode.Flag;
import io.steward.collector.ClusterNode.OpenSlot;
import io.steward.collector.ClusterNode.SlotRange;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The reply of {@code CLUSTER NODES}: every node the answering node knows, as it sees them, its own line
 * ({@link #myself()}) included. Read every poll on cluster nodes: it is the one reply with the failure flags, link
 * states, config epochs and the node's own migrating and importing slots.
 */
public record ClusterNodes(List<ClusterNode> nodes) {

    public ClusterNodes {
        nodes = List.copyOf(nodes);
    }

    /** The answering node's own line. */
    public Optional<ClusterNode> myself() {
        return nodes.stream().filter(ClusterNode::myself).findFirst();
    }

    public Optional<ClusterNode> node(String id) {
        return nodes.stream().filter(node -> node.id().equals(id)).findFirst();
    }

    /**
     * Parses the text of {@code CLUSTER NODES}, one node a line: {@code <id> <ip:port@cport[,hostname]> <flags>
     * <primary> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...}. Servers before 4.0 write the address
     * without {@code @cport}.
     *
     * @throws IllegalArgumentException for a line not of that form
     */
    static ClusterNodes parse(String text) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(parseLine(line.strip()));
            }
        }
        return new ClusterNodes(nodes);
    }

    private static ClusterNode parseLine(String line) {
        String[] fields = line.split(" +");
        if (fields.length < 8) {
            throw new IllegalArgumentException("CLUSTER NODES line has fewer than 8 fields: " + line);
        }
        String[] address = address(fields[1], line);
        List<SlotRange> slots = new ArrayList<>();
        List<OpenSlot> openSlots = new ArrayList<>();
        for (int i = 8; i < fields.length; i++) {
            if (fields[i].startsWith("[")) {
                openSlots.add(openSlot(fields[i], line));
            } else {
                slots.add(slotRange(fields[i], line));
            }
        }
        return new ClusterNode(
                fields[0],
                address[0],
                address[1],
                flags(fields[2]),
                fields[3].equals("-") ? "" : fields[3],
                number(fields[4], line),
                number(fields[5], line),
                number(fields[6], line),
                fields[7].equals("connected"),
                slots,
                openSlots);
    }

    /** {@code host:port} and the hostname of {@code ip:port@cport[,hostname[,aux=value]...]}. */
    private static String[] address(String field, String line) {
        String[] parts = field.split(",");
        String hostPort = parts[0].contains("@") ? parts[0].substring(0, parts[0].indexOf('@')) : parts[0];
        int colon = hostPort.lastIndexOf(':');
        OptionalLong port = colon < 0 ? OptionalLong.empty() : Numbers.wholeNumber(hostPort.substring(colon + 1));
        if (port.isEmpty() || port.getAsLong() < 0 || port.getAsLong() > 65535) {
            throw new IllegalArgumentException("CLUSTER NODES line has no host:port: " + line);
        }
        String hostname = parts.length > 1 && !parts[1].contains("=") ? parts[1] : "";
        return new String[] {hostPort, hostname};
    }

    private static Set<Flag> flags(String field) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        for (String word : field.split(",")) {
            Flag flag = Flag.of(word);
            if (flag != null) {
                flags.add(flag);
            }
        }
        return flags;
    }

    /** {@code 0-5460} or {@code 5461}. */
    private static SlotRange slotRange(String field, String line) {
        int dash = field.indexOf('-');
        return dash < 0
                ? new SlotRange(slot(field, line), slot(field, line))
                : new SlotRange(slot(field.substring(0, dash), line), slot(field.substring(dash + 1), line));
    }

    /** {@code [100->-<id>]} (migrating to the node) or {@code [100-<-<id>]} (importing from it). */
    private static OpenSlot openSlot(String field, String line) {
        String inner = field.substring(1, field.length() - (field.endsWith("]") ? 1 : 0));
        int migrating = inner.indexOf("->-");
        int importing = inner.indexOf("-<-");
        if (migrating > 0) {
            return new OpenSlot(
                    slot(inner.substring(0, migrating), line),
                    OpenSlot.Direction.MIGRATING,
                    inner.substring(migrating + 3));
        }
        if (importing > 0) {
            return new OpenSlot(
                    slot(inner.substring(0, importing), line),
                    OpenSlot.Direction.IMPORTING,
                    inner.substring(importing + 3));
        }
        throw new IllegalArgumentException("CLUSTER NODES line has an open slot of no known form: " + line);
    }

    private static int slot(String text, String line) {
        long slot = number(text, line);
        if (slot < 0 || slot > 16383) {
            throw new IllegalArgumentException("CLUSTER NODES line has a slot out of range: " + line);
        }
        return (int) slot;
    }

    private static long number(String text, String line) {
        return Numbers.wholeNumber(text)
                .orElseThrow(() -> new IllegalArgumentException(
                        "CLUSTER NODES line has " + text + " where a number belongs: " + line));
    }
}
