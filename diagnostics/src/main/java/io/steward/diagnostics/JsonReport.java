package io.steward.diagnostics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The report as JSON for scripts and CI gates: {@code {schemaVersion, target, address, redisVersion, role,
 * startedAt, sampleSeconds, findings:[{id, area, severity, title, evidence, remedy}], skipped:[{id, area, reason}],
 * summary:{critical, warning, info, skipped, rulesChecked}}}. Several reports make an array.
 */
public final class JsonReport {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String render(Report report) {
        return write(tree(report));
    }

    public String render(List<Report> reports) {
        if (reports.size() == 1) {
            return render(reports.get(0));
        }
        ArrayNode all = mapper.createArrayNode();
        reports.forEach(report -> all.add(tree(report)));
        return write(all);
    }

    private ObjectNode tree(Report report) {
        ObjectNode root = mapper.createObjectNode();
        root.put("schemaVersion", Report.SCHEMA_VERSION);
        root.put("target", report.target());
        root.put("address", report.address());
        root.put("redisVersion", report.redisVersion());
        root.put("role", report.role().infoName());
        root.put("startedAt", report.startedAt().toString());
        root.put("sampleSeconds", report.window().toMillis() / 1000.0);
        ArrayNode findings = root.putArray("findings");
        for (Finding finding : report.findings()) {
            ObjectNode node = findings.addObject();
            node.put("id", finding.id());
            node.put("area", finding.area().label());
            node.put("severity", finding.severity().label());
            node.put("title", finding.title());
            ArrayNode evidence = node.putArray("evidence");
            finding.evidence().forEach(evidence::add);
            node.put("remedy", finding.remedy());
        }
        ArrayNode skipped = root.putArray("skipped");
        for (Skipped rule : report.skipped()) {
            skipped.addObject()
                    .put("id", rule.id())
                    .put("area", rule.area().label())
                    .put("reason", rule.reason());
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("critical", report.count(Severity.CRITICAL));
        summary.put("warning", report.count(Severity.WARNING));
        summary.put("info", report.count(Severity.INFO));
        summary.put("skipped", report.skipped().size());
        summary.put("rulesChecked", report.rulesChecked());
        return root;
    }

    private String write(Object tree) {
        try {
            return mapper.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }
}
