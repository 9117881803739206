package io.steward.diagnostics;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The doctor's report on a group: the group's own findings, then each member's own report, and the members it could
 * not read. The verdict and {@code --fail-on} weigh the group's findings and the members' alike.
 *
 * @param address the group's address: its Sentinels and master name, its seeds, or a replica's host:port
 * @param problem what stopped the members from describing the group (empty when they did)
 * @param composition what the group is made of, for people ({@code 1 primary, 2 replicas, 3 Sentinels})
 * @param window the longest time between two INFO samples of a member; zero when rates were not measured
 * @param members the reports of the members examined, in the topology's order
 * @param unread the members that could not be read
 */
public record GroupReport(
        String target,
        String address,
        GroupObservation.Kind kind,
        String problem,
        String composition,
        Instant startedAt,
        Duration window,
        List<Finding> findings,
        List<Skipped> skipped,
        int rulesChecked,
        List<Report> members,
        List<Unread> unread)
        implements DoctorReport {

    /** A member the doctor could not read, and why (the message names no secret). */
    public record Unread(String node, String what, String message) {
        public Unread {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(message, "message");
        }
    }

    public GroupReport {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(composition, "composition");
        startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
        Objects.requireNonNull(window, "window");
        findings = findings.stream().sorted(Report.MOST_SEVERE_FIRST).toList();
        skipped = skipped.stream()
                .sorted(Comparator.comparing(Skipped::area).thenComparing(Skipped::id))
                .toList();
        members = List.copyOf(members);
        unread = List.copyOf(unread);
    }

    /** The group's own findings of a severity (not the members'). */
    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** The findings of a severity in the group's and its members' reports together. */
    public long total(Severity severity) {
        return count(severity)
                + members.stream().mapToLong(m -> m.count(severity)).sum();
    }

    /** The group's findings and the members' together, most severe first. */
    public Stream<Finding> allFindings() {
        return Stream.concat(findings.stream(), members.stream().flatMap(m -> m.findings().stream()));
    }

    @Override
    public Optional<Severity> worst() {
        return allFindings().map(Finding::severity).max(Comparator.naturalOrder());
    }
}
