package io.steward.diagnostics;

import io.steward.collector.Snapshot;
import java.util.Optional;

/**
 * Where the cgroup memory limit of a polled server comes from. Reading it means looking at the machine the server
 * runs on, which the rules never do: the doctor asks this once per diagnosis and hands the answer to the rules in
 * the {@link Observation}.
 */
@FunctionalInterface
public interface MemoryLimits {

    /** Nothing known beyond what the server reports: the rules go by {@code total_system_memory}. */
    MemoryLimits UNKNOWN = snapshot -> Optional.empty();

    /** The limit of the cgroup the server of this snapshot runs in; empty when there is none or it cannot be seen. */
    Optional<MemoryLimit> of(Snapshot snapshot);
}
