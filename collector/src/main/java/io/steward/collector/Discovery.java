package io.steward.collector;

import java.util.List;
import java.util.Optional;

/** How a group's topology is read from its members' latest snapshots: purely, with no connection of its own. */
@FunctionalInterface
interface Discovery {

    /**
     * @param members the latest snapshot of each member that answered, in any order
     * @return the topology, or what stops the members from describing one
     */
    Outcome read(List<Snapshot> members);

    record Outcome(Optional<Topology> topology, String problem) {
        static Outcome of(Topology topology) {
            return new Outcome(Optional.of(topology), "");
        }

        static Outcome problem(String problem) {
            return new Outcome(Optional.empty(), problem);
        }
    }
}
