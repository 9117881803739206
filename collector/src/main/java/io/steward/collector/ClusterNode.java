package io.steward.collector;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One line of {@code CLUSTER NODES}: a node of the cluster as the node that answered sees it.
 *
 * @param address {@code host:port} of its clients' port, without the bus port and the announced hostname; {@code
 *     ":0"} while the address is not known
 * @param hostname what the node announces with {@code cluster-announce-hostname} (7.0+), else empty
 * @param primaryId for a replica, the id of its primary; empty for a primary
 * @param pingSentMillis when the answering node sent the ping still unanswered (Unix ms), 0 when none is pending
 * @param pongReceivedMillis when the answering node last heard a pong from it (Unix ms)
 * @param configEpoch its config epoch; for a replica, its primary's
 * @param linkUp whether the answering node's cluster bus link to it is connected (always so for itself)
 * @param slots the slots it serves, as ranges; replicas serve none
 * @param openSlots slots being moved to or from it; only a node's own line carries them
 */
public record ClusterNode(
        String id,
        String address,
        String hostname,
        Set<Flag> flags,
        String primaryId,
        long pingSentMillis,
        long pongReceivedMillis,
        long configEpoch,
        boolean linkUp,
        List<SlotRange> slots,
        List<OpenSlot> openSlots) {

    /** The flags of {@code CLUSTER NODES}; {@code noflags} is the empty set, unknown ones are left out. */
    public enum Flag {
        MYSELF("myself"),
        PRIMARY("master"),
        REPLICA("slave"),
        /** Suspected: this node has not heard from it for the node timeout. */
        PFAIL("fail?"),
        /** Failed: a majority of primaries suspected it. */
        FAIL("fail"),
        HANDSHAKE("handshake"),
        NOADDR("noaddr"),
        NOFAILOVER("nofailover");

        private final String word;

        Flag(String word) {
            this.word = word;
        }

        /** The word {@code CLUSTER NODES} uses. */
        public String word() {
            return word;
        }

        /** The name for labels: {@code pfail} for {@code fail?}, else the word. */
        public String label() {
            return this == PFAIL ? "pfail" : word;
        }

        static Flag of(String word) {
            for (Flag flag : values()) {
                if (flag.word.equals(word)) {
                    return flag;
                }
            }
            return null;
        }
    }

    /** Slots {@code first} to {@code last}, both included. */
    public record SlotRange(int first, int last) {
        public SlotRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("not a slot range: " + first + "-" + last);
            }
        }

        public int size() {
            return last - first + 1;
        }

        @Override
        public String toString() {
            return first == last ? String.valueOf(first) : first + "-" + last;
        }
    }

    /** A slot left {@code MIGRATING} to, or {@code IMPORTING} from, the node {@code peerId}. */
    public record OpenSlot(int slot, Direction direction, String peerId) {
        public enum Direction {
            MIGRATING,
            IMPORTING;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public OpenSlot {
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(peerId, "peerId");
        }
    }

    public ClusterNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostname, "hostname");
        flags = Set.copyOf(flags);
        Objects.requireNonNull(primaryId, "primaryId");
        slots = List.copyOf(slots);
        openSlots = List.copyOf(openSlots);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** Whether this is the line of the node that answered. */
    public boolean myself() {
        return has(Flag.MYSELF);
    }

    public Role role() {
        return has(Flag.PRIMARY) ? Role.PRIMARY : has(Flag.REPLICA) ? Role.REPLICA : Role.UNKNOWN;
    }

    public String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Whether its address is known: not {@code noaddr}, nor {@code :0} as during a handshake by id. */
    public boolean addressKnown() {
        return !has(Flag.NOADDR) && !host().isEmpty() && port() > 0;
    }

    public int slotCount() {
        return slots.stream().mapToInt(SlotRange::size).sum();
    }
}
