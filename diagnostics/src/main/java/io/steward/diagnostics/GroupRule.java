package io.steward.diagnostics;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule over a whole group: a stable id (in reports and {@code steward_doctor_finding{target=<group>,rule}}),
 * its area, what it cannot work without, and the check. A rule whose needs are not met is skipped with the reason.
 */
public record GroupRule(String id, Area area, Needs needs, Check check) {

    /** Looks at a group whose needs are met; empty when all is well or the rule does not apply. */
    @FunctionalInterface
    public interface Check {
        Optional<Symptom> examine(GroupObservation group);
    }

    /** Why a group cannot be judged by a rule, or empty when it can. */
    @FunctionalInterface
    public interface Needs {
        Optional<String> missing(GroupObservation group);

        /** Both needs, the first one missing reported. */
        default Needs and(Needs other) {
            return group -> missing(group).or(() -> other.missing(group));
        }
    }

    /** Nothing beyond the members as they were read. */
    public static final Needs NOTHING = group -> Optional.empty();

    public GroupRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(needs, "needs");
        Objects.requireNonNull(check, "check");
    }

    /**
     * At least one data node read, and every data node read offering these sources; {@code CONFIG GET} refused on one
     * skips a rule that compares configurations.
     */
    public static Needs onDataNodes(Source... sources) {
        return group -> {
            if (group.readDataNodes().isEmpty()) {
                return Optional.of("no data node could be read");
            }
            for (GroupMember member : group.readDataNodes()) {
                for (Source source : Arrays.stream(sources).sorted().toList()) {
                    Optional<String> missing = member.observed().unavailable(source);
                    if (missing.isPresent()) {
                        return Optional.of(member.node() + ": " + missing.get());
                    }
                }
            }
            return Optional.empty();
        };
    }

    /** The members described the group (a Sentinel group or a cluster with a topology). */
    public static final Needs TOPOLOGY = group -> group.topology().isPresent()
            ? Optional.empty()
            : Optional.of(group.state().map(s -> s.problem()).orElse("no topology: one replica and its primary"));
}
