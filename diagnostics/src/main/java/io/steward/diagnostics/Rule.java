package io.steward.diagnostics;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One diagnostic rule: a stable id (used in reports, {@code steward_doctor_finding{rule}} and documentation), the
 * area it belongs to, the sources it cannot work without, and the check itself.
 */
public record Rule(String id, Area area, Set<Source> needs, Check check) {

    /** Looks at an observation whose needed sources are all present; empty when all is well or not applicable. */
    @FunctionalInterface
    public interface Check {
        Optional<Symptom> examine(Observation observation);
    }

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(area, "area");
        needs = Set.copyOf(needs);
        Objects.requireNonNull(check, "check");
    }

    static Rule of(String id, Area area, Set<Source> needs, Check check) {
        return new Rule(id, area, needs, check);
    }
}
