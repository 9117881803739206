package io.steward.diagnostics;

import java.util.List;
import java.util.Map;

/** The report as Markdown, for a ticket or a wiki: one section per area, the fixes as code blocks. */
public final class MarkdownReport {

    public String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append("# Redis doctor: ").append(ReportLayout.name(report)).append("\n\n");
        out.append("**")
                .append(report.verdict())
                .append("**: ")
                .append(ReportLayout.counts(report))
                .append(". ")
                .append(ReportLayout.context(report))
                .append(".\n");
        for (Map.Entry<Area, List<Finding>> area : ReportLayout.byArea(report).entrySet()) {
            out.append("\n## ").append(area.getKey().title()).append('\n');
            for (Finding finding : area.getValue()) {
                out.append("\n### ")
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
        if (!report.skipped().isEmpty()) {
            out.append("\n## Skipped\n\n| Rule | Why |\n| --- | --- |\n");
            report.skipped()
                    .forEach(s -> out.append("| `")
                            .append(s.id())
                            .append("` | ")
                            .append(escape(s.reason()).replace("|", "\\|"))
                            .append(" |\n"));
        }
        return out.toString();
    }

    /**
     * Keeps Redis text from turning into markup: {@code *} in bind addresses and patterns, {@code <} in placeholders.
     * Underscores inside field names need nothing: GitHub-flavoured Markdown ignores them within words.
     */
    private static String escape(String text) {
        return text.replace("*", "\\*").replace("<", "&lt;");
    }
}
