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
        String verdict = report.verdict();
        out.append(paint(verdictColour(verdict), verdict))
                .append("  ")
                .append(paint(BOLD, ReportLayout.name(report)))
                .append(": ")
                .append(ReportLayout.counts(report))
                .append('\n');
        out.append(paint(DIM, ReportLayout.context(report))).append('\n');
        for (Map.Entry<Area, List<Finding>> area : ReportLayout.byArea(report).entrySet()) {
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
        if (!report.skipped().isEmpty()) {
            out.append('\n').append(paint(BOLD, "Skipped")).append('\n');
            int width = report.skipped().stream()
                    .mapToInt(s -> s.id().length())
                    .max()
                    .orElse(0);
            for (Skipped skipped : report.skipped()) {
                out.append("  ")
                        .append(skipped.id())
                        .append(" ".repeat(width - skipped.id().length() + 2))
                        .append(paint(DIM, skipped.reason()))
                        .append('\n');
            }
        }
        return out.toString();
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
