package io.steward.diagnostics;

import java.util.List;
import java.util.Map;

/**
 * The report for a terminal: a one-line verdict, then findings grouped by area, most severe first, each with its
 * evidence and its fix. ANSI colour only when asked for (a terminal, no {@code NO_COLOR}).
 */
public final class TextReport {

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[1;31m";
    private static final String YELLOW = "\u001b[1;33m";
    private static final String CYAN = "\u001b[36m";
    private static final String GREEN = "\u001b[1;32m";
    private static final String INDENT = "              ";

    private final boolean colour;

    public TextReport(boolean colour) {
        this.colour = colour;
    }

    public String render(Report report) {
        StringBuilder out = new StringBuilder();
        verdict(out, report.verdict(), ReportLayout.name(report), ReportLayout.counts(report));
        out.append(paint(DIM, ReportLayout.context(report))).append('\n');
        findings(out, report.findings());
        skipped(out, report.skipped());
        return out.toString();
    }

    /**
     * A group: its verdict (over the members' findings too), what it is made of, the members not read, the group's
     * findings, then each member's own report.
     */
    public String render(GroupReport report) {
        StringBuilder out = new StringBuilder();
        verdict(out, report.verdict(), ReportLayout.name(report), ReportLayout.counts(report));
        out.append(paint(DIM, ReportLayout.context(report))).append('\n');
        if (!report.problem().isEmpty()) {
            out.append(paint(YELLOW, "The members did not describe the group: "))
                    .append(report.problem())
                    .append('\n');
        }
        if (!report.unread().isEmpty()) {
            out.append('\n').append(paint(BOLD, "Not read")).append('\n');
            for (GroupReport.Unread member : report.unread()) {
                out.append("  ")
                        .append(member.node())
                        .append(" (")
                        .append(member.what())
                        .append(")  ")
                        .append(paint(DIM, member.message()))
                        .append('\n');
            }
        }
        findings(out, report.findings());
        skipped(out, report.skipped());
        for (Report member : report.members()) {
            out.append('\n').append(render(member));
        }
        return out.toString();
    }

    /** Either kind of report. */
    public String render(DoctorReport report) {
        return report instanceof GroupReport group ? render(group) : render((Report) report);
    }

    private void verdict(StringBuilder out, String verdict, String name, String counts) {
        out.append(paint(verdictColour(verdict), verdict))
                .append("  ")
                .append(paint(BOLD, name))
                .append(": ")
                .append(counts)
                .append('\n');
    }

    private void findings(StringBuilder out, List<Finding> findings) {
        for (Map.Entry<Area, List<Finding>> area : ReportLayout.byArea(findings).entrySet()) {
            out.append('\n').append(paint(BOLD, area.getKey().title())).append('\n');
            for (Finding finding : area.getValue()) {
                String label = ReportLayout.label(finding.severity());
                out.append("  ")
                        .append(paint(severityColour(finding.severity()), label))
                        .append(" ".repeat(10 - label.length()))
                        .append(finding.title())
                        .append("  ")
                        .append(paint(DIM, finding.id()))
                        .append('\n');
                block(out, "evidence", finding.evidence());
                block(out, "fix", finding.remedy().lines().toList());
            }
        }
    }

    private void skipped(StringBuilder out, List<Skipped> skipped) {
        if (skipped.isEmpty()) {
            return;
        }
        out.append('\n').append(paint(BOLD, "Skipped")).append('\n');
        int width = skipped.stream().mapToInt(s -> s.id().length()).max().orElse(0);
        for (Skipped rule : skipped) {
            out.append("  ")
                    .append(rule.id())
                    .append(" ".repeat(width - rule.id().length() + 2))
                    .append(paint(DIM, rule.reason()))
                    .append('\n');
        }
    }

    private void block(StringBuilder out, String heading, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String lead = i == 0 ? "    " + heading + " ".repeat(INDENT.length() - 4 - heading.length()) : INDENT;
            out.append(i == 0 ? paint(DIM, lead) : lead).append(lines.get(i)).append('\n');
        }
    }

    private String paint(String code, String text) {
        return colour ? code + text + RESET : text;
    }

    private static String severityColour(Severity severity) {
        return switch (severity) {
            case CRITICAL -> RED;
            case WARNING -> YELLOW;
            case INFO -> CYAN;
        };
    }

    private static String verdictColour(String verdict) {
        return switch (verdict) {
            case "CRITICAL" -> RED;
            case "WARNING" -> YELLOW;
            default -> GREEN;
        };
    }
}
