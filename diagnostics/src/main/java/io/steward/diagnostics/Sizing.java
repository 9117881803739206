package io.steward.diagnostics;

import static io.steward.diagnostics.Units.bytes;
import static io.steward.diagnostics.Units.configSize;
import static io.steward.diagnostics.Units.configSizeDown;
import static io.steward.diagnostics.Units.percent;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Sizes the rules recommend, bounded by reality: never a backlog larger than what a full resync would move, never
 * a limit beyond the memory the server really has ({@link Observation#memoryCeiling()}: its container's limit when
 * known, else the host's). A size a bound cut says which bound and why, so the finding can say so.
 */
final class Sizing {

    /** The share of the memory the data may take: the rest is for forks' copy-on-write and for buffers. */
    static final double DATA_SHARE = 0.75;
    /** The share of the memory left over that one buffer (the backlog, client output) may take. */
    static final double FREE_SHARE = 0.5;

    private Sizing() {}

    /** A size to recommend; {@code bound} is empty when it is what the rule wanted, else why it is smaller. */
    record Size(double bytes, String bound) {

        boolean bounded() {
            return !bound.isEmpty();
        }

        /** As Redis config takes it: rounded up when it is what was wanted, down when a bound cut it. */
        String config() {
            return bounded() ? configSizeDown(bytes) : configSize(bytes);
        }

        /** What {@link #config()} sets, in bytes: compare this with the size now, not the unrounded figure. */
        double configured() {
            return bounded() ? Units.roundedDown(bytes) : Units.roundedUp(bytes);
        }

        private Size atMost(double limit, String why) {
            return bytes > limit ? new Size(Math.max(0, limit), why) : this;
        }
    }

    /** A replication backlog: no larger than the dataset a full resync would move, nor than the memory left. */
    static Size backlog(Observation o, double wanted) {
        FullSync sync = FullSync.of(o);
        Size size = new Size(wanted, "");
        if (sync.bytes() > 0) {
            size = size.atMost(
                    sync.bytes(),
                    "no larger than the data (used_memory_dataset " + bytes(sync.bytes())
                            + "): a full resync moves no more than that, so a larger backlog saves nothing");
        }
        return withinFreeMemory(o, size);
    }

    /** A buffer limit (client output, replica): no more than its share of the memory left. */
    static Size buffer(Observation o, double wanted) {
        return withinFreeMemory(o, new Size(wanted, ""));
    }

    /** A maxmemory: no more than the data's share of the memory the server has. */
    static Size maxmemory(Observation o, double wanted) {
        Size size = new Size(wanted, "");
        Optional<MemoryLimit> ceiling = o.memoryCeiling();
        if (ceiling.isEmpty()) {
            return size;
        }
        return size.atMost(
                ceiling.get().bytes() * DATA_SHARE,
                "no more than " + percent(DATA_SHARE) + " of " + ceiling.get().describe()
                        + ": the rest is for fork copy-on-write and buffers");
    }

    /**
     * The memory not yet spoken for: the ceiling less what the process holds, or less maxmemory when the data may
     * still grow to that; empty when the ceiling is unknown.
     */
    static OptionalDouble freeMemory(Observation o) {
        return o.memoryCeiling()
                .map(ceiling -> OptionalDouble.of(ceiling.bytes() - taken(o)))
                .orElse(OptionalDouble.empty());
    }

    private static double taken(Observation o) {
        return Math.max(o.number("used_memory_rss", 0), o.number("maxmemory", 0));
    }

    private static Size withinFreeMemory(Observation o, Size size) {
        OptionalDouble free = freeMemory(o);
        if (free.isEmpty()) {
            return size;
        }
        MemoryLimit ceiling = o.memoryCeiling().orElseThrow();
        String taken = (o.number("maxmemory", 0) > o.number("used_memory_rss", 0) ? "maxmemory " : "used_memory_rss ")
                + bytes(taken(o));
        return size.atMost(
                free.getAsDouble() * FREE_SHARE,
                "no more than half the memory left: " + ceiling.describe() + " less " + taken + " leaves "
                        + bytes(Math.max(0, free.getAsDouble())));
    }
}
