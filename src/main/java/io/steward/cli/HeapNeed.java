package io.steward.cli;

import io.steward.collector.Target;
import java.util.List;

/**
 * How much heap {@code serve} needs for its targets, from what {@code bench/fleet} measures: a base for the agent
 * itself and a share per polled server (its latest poll, the doctor's baseline, its prepared series and meters). A
 * group's members are not known before it is discovered, so each group counts as {@value #SERVERS_PER_GROUP}.
 */
record HeapNeed(int servers, int groups) {

    static final int BASE_MB = 32;
    static final int PER_SERVER_KB = 150;
    static final int SERVERS_PER_GROUP = 6;
    /** Below this a heap is not worth saving: a few hundred targets fit. */
    static final int MINIMUM_MB = 64;

    static HeapNeed of(List<Target> targets) {
        int groups = (int) targets.stream().filter(Target::isGroup).count();
        return new HeapNeed(targets.size() - groups, groups);
    }

    int polled() {
        return servers + groups * SERVERS_PER_GROUP;
    }

    long megabytes() {
        return Math.max(MINIMUM_MB, BASE_MB + ((long) polled() * PER_SERVER_KB + 1023) / 1024);
    }

    /** As -Xmx takes it. */
    String asJvmSize() {
        return megabytes() + "m";
    }
}
