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
 * summary:{critical, warning, info, skipped, rulesChecked}}}. A group's report is {@code {schemaVersion, target,
 * address, group: sentinel|cluster|replication, composition, problem, startedAt, sampleSeconds, findings, skipped,
 * unread:[{node, what, message}], members:[one server's report each], summary:{critical, warning, info (the group's
 * and its members' findings together, as --fail-on weighs them), skipped, rulesChecked (the group rules')}}}.
 * Several reports make an array.
 */
public final class JsonReport {

    /**
     * Made on the first report: an agent that is never asked for one then loads none of Jackson's several hundred
     * classes (most of them stay loaded for the life of the process).
     */
    private ObjectMapper mapper;

    private synchronized ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        }
        return mapper;
    }

    public String render(Report report) {
        return write(tree(report));
    }

    public String render(GroupReport report) {
        return write(tree(report));
    }

    public String render(List<? extends DoctorReport> reports) {
        if (reports.size() == 1) {
            return write(tree(reports.get(0)));
        }
        ArrayNode all = mapper().createArrayNode();
        reports.forEach(report -> all.add(tree(report)));
        return write(all);
    }

    private ObjectNode tree(DoctorReport report) {
        return report instanceof GroupReport group ? tree(group) : tree((Report) report);
    }

    private ObjectNode tree(GroupReport report) {
        ObjectNode root = mapper().createObjectNode();
        root.put("schemaVersion", Report.SCHEMA_VERSION);
        root.put("target", report.target());
        root.put("address", report.address());
        root.put("group", report.kind().label());
        root.put("composition", report.composition());
        root.put("problem", report.problem());
        root.put("startedAt", report.startedAt().toString());
        root.put("sampleSeconds", report.window().toMillis() / 1000.0);
        findings(root.putArray("findings"), report.findings());
        skipped(root.putArray("skipped"), report.skipped());
        ArrayNode unread = root.putArray("unread");
        report.unread()
                .forEach(m -> unread.addObject()
                        .put("node", m.node())
                        .put("what", m.what())
                        .put("message", m.message()));
        ArrayNode members = root.putArray("members");
        report.members().forEach(member -> members.add(tree(member)));
        ObjectNode summary = root.putObject("summary");
        summary.put("critical", report.total(Severity.CRITICAL));
        summary.put("warning", report.total(Severity.WARNING));
        summary.put("info", report.total(Severity.INFO));
        summary.put("skipped", report.skipped().size());
        summary.put("rulesChecked", report.rulesChecked());
        return root;
    }

    private ObjectNode tree(Report report) {
        ObjectNode root = mapper().createObjectNode();
        root.put("schemaVersion", Report.SCHEMA_VERSION);
        root.put("target", report.target());
        root.put("address", report.address());
        root.put("redisVersion", report.redisVersion());
        root.put("role", report.role().infoName());
        root.put("startedAt", report.startedAt().toString());
        root.put("sampleSeconds", report.window().toMillis() / 1000.0);
        findings(root.putArray("findings"), report.findings());
        skipped(root.putArray("skipped"), report.skipped());
        ObjectNode summary = root.putObject("summary");
        summary.put("critical", report.count(Severity.CRITICAL));
        summary.put("warning", report.count(Severity.WARNING));
        summary.put("info", report.count(Severity.INFO));
        summary.put("skipped", report.skipped().size());
        summary.put("rulesChecked", report.rulesChecked());
        return root;
    }

    private static void findings(ArrayNode findings, List<Finding> all) {
        for (Finding finding : all) {
            ObjectNode node = findings.addObject();
            node.put("id", finding.id());
            node.put("area", finding.area().label());
            node.put("severity", finding.severity().label());
            node.put("title", finding.title());
            ArrayNode evidence = node.putArray("evidence");
            finding.evidence().forEach(evidence::add);
            node.put("remedy", finding.remedy());
        }
    }

    private static void skipped(ArrayNode skipped, List<Skipped> all) {
        for (Skipped rule : all) {
            skipped.addObject()
                    .put("id", rule.id())
                    .put("area", rule.area().label())
                    .put("reason", rule.reason());
        }
    }

    private String write(Object tree) {
        try {
            return mapper().writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }
}
