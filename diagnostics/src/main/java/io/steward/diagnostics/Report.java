package io.steward.diagnostics;

import io.steward.collector.Role;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The doctor's report on one server. Findings come most severe first, then by area and rule id, so two runs on
 * the same server read alike.
 *
 * @param address host:port without credentials
 * @param role as the server reported it when examined
 * @param window the time between the two INFO samples; zero when rates were not measured
 * @param rulesChecked how many rules were judged (skipped ones excluded)
 */
public record Report(
        String target,
        String address,
        String redisVersion,
        Role role,
        Instant startedAt,
        Duration window,
        List<Finding> findings,
        List<Skipped> skipped,
        int rulesChecked)
        implements DoctorReport {

    /** The version of the JSON form; raised when a field changes meaning or goes away. */
    public static final int SCHEMA_VERSION = 1;

    static final Comparator<Finding> MOST_SEVERE_FIRST = Comparator.comparing(Finding::severity)
            .reversed()
            .thenComparing(Finding::area)
            .thenComparing(Finding::id);

    public Report {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(redisVersion, "redisVersion");
        Objects.requireNonNull(role, "role");
        startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
        Objects.requireNonNull(window, "window");
        findings = findings.stream().sorted(MOST_SEVERE_FIRST).toList();
        skipped = skipped.stream()
                .sorted(Comparator.comparing(Skipped::area).thenComparing(Skipped::id))
                .toList();
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** The most severe finding's severity; empty when nothing was found. */
    @Override
    public Optional<Severity> worst() {
        return findings.stream().map(Finding::severity).max(Comparator.naturalOrder());
    }
}
