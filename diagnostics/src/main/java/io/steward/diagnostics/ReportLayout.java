package io.steward.diagnostics;

import io.steward.collector.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the text and markdown forms share: the verdict sentence and findings grouped by area, worst area first. */
final class ReportLayout {

    private ReportLayout() {}

    /** {@code cache-1 (10.0.0.5:6379)}, or just the address when the target is named after it. */
    static String name(Report report) {
        return report.target().equals(report.address())
                ? report.target()
                : report.target() + " (" + report.address() + ")";
    }

    /** {@code 1 critical, 2 warnings, 1 info}, or {@code no findings}. */
    static String counts(Report report) {
        return counts(report.findings());
    }

    static String counts(List<Finding> findings) {
        if (findings.isEmpty()) {
            return "no findings";
        }
        List<String> parts = new ArrayList<>();
        long critical = count(findings, Severity.CRITICAL);
        long warnings = count(findings, Severity.WARNING);
        long info = count(findings, Severity.INFO);
        if (critical > 0) {
            parts.add(critical + " critical");
        }
        if (warnings > 0) {
            parts.add(warnings + (warnings == 1 ? " warning" : " warnings"));
        }
        if (info > 0) {
            parts.add(info + " info");
        }
        return String.join(", ", parts);
    }

    /** {@code Redis 7.0.15 (master), examined 2026-...Z over a 5 s sample; 52 rules checked, 2 skipped}. */
    static String context(Report report) {
        double seconds = report.window().toMillis() / 1000.0;
        String sample = seconds > 0 ? " over a " + Units.duration(seconds) + " sample" : " from one sample";
        // A replica is called one; a primary keeps Redis's word "master", as in the JSON form.
        String role = report.role() == Role.REPLICA ? "replica" : report.role().infoName();
        return "Redis " + report.redisVersion() + " (" + role + "), examined " + report.startedAt() + sample + "; "
                + Units.count(report.rulesChecked(), "rule") + " checked, "
                + report.skipped().size() + " skipped";
    }

    /** Findings by area: the area with the most severe finding first, then in the areas' own order. */
    static Map<Area, List<Finding>> byArea(Report report) {
        return byArea(report.findings());
    }

    static Map<Area, List<Finding>> byArea(List<Finding> findings) {
        Map<Area, List<Finding>> grouped = new LinkedHashMap<>();
        findings.stream()
                .sorted(Comparator.comparing((Finding f) -> worst(findings, f.area()))
                        .reversed()
                        .thenComparing(Finding::area)
                        .thenComparing(Comparator.comparing(Finding::severity).reversed())
                        .thenComparing(Finding::id))
                .forEach(f -> grouped.computeIfAbsent(f.area(), a -> new ArrayList<>())
                        .add(f));
        return grouped;
    }

    /** {@code sessions (127.0.0.1:26379,127.0.0.2:26379#mymaster)}, or the address when named after it. */
    static String name(GroupReport report) {
        return report.target().equals(report.address())
                ? report.target()
                : report.target() + " (" + report.address() + ")";
    }

    /** {@code 1 warning in the group; members: 2 warnings, 5 info}. */
    static String counts(GroupReport report) {
        List<Finding> ofMembers =
                report.members().stream().flatMap(m -> m.findings().stream()).toList();
        String unread = report.unread().isEmpty() ? "" : "; " + report.unread().size() + " not read";
        return counts(report.findings()) + " in the group; members: " + counts(ofMembers) + unread;
    }

    /** {@code Sentinel group of 1 primary, 2 replicas, 3 Sentinels, examined ...; 9 group rules checked, 1 skipped}. */
    static String context(GroupReport report) {
        double seconds = report.window().toMillis() / 1000.0;
        String sample = seconds > 0 ? " over a " + Units.duration(seconds) + " sample" : " from one sample";
        return capitalized(report.kind().title()) + ": " + report.composition() + ", examined " + report.startedAt()
                + sample + "; " + report.rulesChecked() + " group rules checked, "
                + report.skipped().size()
                + " skipped";
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static String label(Severity severity) {
        return severity.name().toUpperCase(Locale.ROOT);
    }

    private static long count(List<Finding> findings, Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    private static Severity worst(List<Finding> findings, Area area) {
        return findings.stream()
                .filter(f -> f.area() == area)
                .map(Finding::severity)
                .max(Comparator.naturalOrder())
                .orElse(Severity.INFO);
    }
}
