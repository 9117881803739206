package io.steward.collector;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent knows of one group right now: its topology as its members last described it, or why it knows
 * none (no Sentinel answered, no Sentinel knows the master name, the seeds are not in cluster mode), and how many
 * failovers it has seen since it started.
 *
 * @param topology the latest topology; kept when the members stop answering, so the agent keeps polling them
 * @param problem empty while the members describe the group; else what is wrong and what to do, for people
 * @param failovers how many replicas were promoted to primary while the agent watched
 */
public record GroupState(Target group, Instant time, Optional<Topology> topology, String problem, long failovers) {

    public GroupState {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(problem, "problem");
    }

    public boolean healthy() {
        return problem.isEmpty();
    }
}
