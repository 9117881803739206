package io.steward.diagnostics;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-checks with the server's own doctors. Their text is prose that changes between releases, so rules are
 * computed from INFO; these only add a line of evidence when {@code MEMORY DOCTOR} or {@code LATENCY DOCTOR}
 * says the same thing.
 */
final class ServerAdvice {

    private static final Pattern FORK_RATE = Pattern.compile("Fork rate is ([0-9.]+) GB/sec \\((\\w+)\\)");

    private ServerAdvice() {}

    /** {@code MEMORY DOCTOR agrees: "High total RSS"} when its report has an item with that heading. */
    static Optional<String> memoryDoctorAgrees(Observation observation, String heading) {
        return observation
                .memoryDoctor()
                .filter(report -> report.contains(" * " + heading + ":"))
                .map(report -> "MEMORY DOCTOR agrees: \"" + heading + "\"");
    }

    /** LATENCY DOCTOR's grading of the last fork ({@code 12.50 GB/sec, poor}), when it printed one. */
    static Optional<String> forkRate(Observation observation) {
        return observation
                .latencyDoctor()
                .map(FORK_RATE::matcher)
                .filter(Matcher::find)
                .map(m -> "LATENCY DOCTOR rates the fork at " + m.group(1) + " GB/s (" + m.group(2) + ")");
    }

    /** Whether LATENCY DOCTOR reports anonymous huge pages in the Redis process. */
    static boolean hugePagesDetected(Observation observation) {
        return observation
                .latencyDoctor()
                .filter(report -> report.contains("anonymous huge pages"))
                .isPresent();
    }
}
