package io.steward.diagnostics;

import java.util.Optional;

/** What one run of the doctor reports on one target: one server's report, or a group's. */
public sealed interface DoctorReport permits Report, GroupReport {

    /** The target's name. */
    String target();

    /** The most severe finding's severity; empty when nothing was found. */
    Optional<Severity> worst();

    /** Whether any finding is at least this severe (what {@code --fail-on} asks). */
    default boolean hasAtLeast(Severity threshold) {
        return worst().map(w -> w.compareTo(threshold) >= 0).orElse(false);
    }

    /** The verdict word: the worst severity among warnings and criticals, else OK. */
    default String verdict() {
        return worst().filter(w -> w != Severity.INFO).map(Severity::name).orElse("OK");
    }
}
