package io.steward.diagnostics;

import java.util.List;
import java.util.Map;

/** The report as Markdown, for a ticket or a wiki: one section per area, the fixes as code blocks. */
public final class MarkdownReport {

    public String render(Report report) {
        return render(report, 1);
    }

    /** A group: its own findings, then each member's report one heading level down. */
    public String render(GroupReport report) {
        StringBuilder out = new StringBuilder();
        out.append("# Redis doctor: ").append(escape(ReportLayout.name(report))).append("\n\n");
        out.append("**")
                .append(report.verdict())
                .append("**: ")
                .append(ReportLayout.counts(report))
                .append(". ")
                .append(ReportLayout.context(report))
                .append(".\n");
        if (!report.problem().isEmpty()) {
            out.append("\nThe members did not describe the group: ")
                    .append(escape(report.problem()))
                    .append('\n');
        }
        if (!report.unread().isEmpty()) {
            out.append("\n## Not read\n\n| Member | Why |\n| --- | --- |\n");
            report.unread()
                    .forEach(m -> out.append("| `")
                            .append(m.node())
                            .append("` (")
                            .append(m.what())
                            .append(") | ")
                            .append(cell(m.message()))
                            .append(" |\n"));
        }
        findings(out, report.findings(), 2);
        skipped(out, report.skipped(), 2);
        for (Report member : report.members()) {
            out.append('\n').append(render(member, 2));
        }
        return out.toString();
    }

    /** Either kind of report. */
    public String render(DoctorReport report) {
        return report instanceof GroupReport group ? render(group) : render((Report) report);
    }

    private String render(Report report, int level) {
        StringBuilder out = new StringBuilder();
        out.append(heading(level))
                .append(" Redis doctor: ")
                .append(ReportLayout.name(report))
                .append("\n\n");
        out.append("**")
                .append(report.verdict())
                .append("**: ")
                .append(ReportLayout.counts(report))
                .append(". ")
                .append(ReportLayout.context(report))
                .append(".\n");
        findings(out, report.findings(), level + 1);
        skipped(out, report.skipped(), level + 1);
        return out.toString();
    }

    private static void findings(StringBuilder out, List<Finding> findings, int level) {
        for (Map.Entry<Area, List<Finding>> area : ReportLayout.byArea(findings).entrySet()) {
            out.append('\n')
                    .append(heading(level))
                    .append(' ')
                    .append(area.getKey().title())
                    .append('\n');
            for (Finding finding : area.getValue()) {
                out.append('\n')
                        .append(heading(level + 1))
                        .append(' ')
                        .append(ReportLayout.label(finding.severity()))
                        .append(": ")
                        .append(escape(finding.title()))
                        .append("\n\n");
                out.append("Rule `").append(finding.id()).append("`\n\n");
                finding.evidence()
                        .forEach(line -> out.append("- ").append(escape(line)).append('\n'));
                out.append("\nFix:\n\n```\n").append(finding.remedy()).append("\n```\n");
            }
        }
    }

    private static void skipped(StringBuilder out, List<Skipped> skipped, int level) {
        if (skipped.isEmpty()) {
            return;
        }
        out.append('\n').append(heading(level)).append(" Skipped\n\n| Rule | Why |\n| --- | --- |\n");
        skipped.forEach(s -> out.append("| `")
                .append(s.id())
                .append("` | ")
                .append(cell(s.reason()))
                .append(" |\n"));
    }

    private static String heading(int level) {
        return "#".repeat(level);
    }

    private static String cell(String text) {
        return escape(text).replace("|", "\\|");
    }

    /**
     * Keeps Redis text from turning into markup: {@code *} in bind addresses and patterns, {@code <} in placeholders.
     * Underscores inside field names need nothing: GitHub-flavoured Markdown ignores them within words.
     */
    private static String escape(String text) {
        return text.replace("*", "\\*").replace("<", "&lt;");
    }
}
