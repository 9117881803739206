package io.steward.diagnostics;

import io.steward.collector.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the group rules over a group, and each examined member's own rules over that member: one report. A group
 * rule whose needs are not met is skipped with the reason, never guessed.
 */
public final class GroupDiagnosis {

    private static final Logger logger = LoggerFactory.getLogger(GroupDiagnosis.class);

    private final List<GroupRule> rules;
    private final Diagnosis members;

    /** @param members the rules each member is judged by on its own */
    public GroupDiagnosis(List<GroupRule> rules, Diagnosis members) {
        this.rules = List.copyOf(rules);
        this.members = members;
    }

    /** The standard catalogues: {@link GroupRules#standard()} over the group, {@link Rules#standard()} per member. */
    public static GroupDiagnosis standard() {
        return new GroupDiagnosis(GroupRules.standard(), new Diagnosis(Rules.standard()));
    }

    public GroupReport examine(GroupObservation group, Instant startedAt) {
        List<Finding> findings = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        int checked = 0;
        for (GroupRule rule : rules) {
            try {
                Optional<String> missing = rule.needs().missing(group);
                if (missing.isPresent()) {
                    skipped.add(new Skipped(rule.id(), rule.area(), missing.get()));
                    continue;
                }
                rule.check()
                        .examine(group)
                        .ifPresent(symptom -> findings.add(new Finding(
                                rule.id(),
                                rule.area(),
                                symptom.severity(),
                                symptom.title(),
                                symptom.evidence(),
                                symptom.remedy())));
                checked++;
            } catch (RuntimeException bug) {
                // One broken rule must not cost the operator the rest of the report.
                logger.warn("group rule {} failed on {}", rule.id(), group.group(), bug);
                skipped.add(new Skipped(rule.id(), rule.area(), "the rule failed: " + bug));
            }
        }
        List<Report> reports = new ArrayList<>();
        List<GroupReport.Unread> unread = new ArrayList<>();
        for (GroupMember member : group.members()) {
            if (member.examined()) {
                Observation observation = member.observed();
                reports.add(members.examine(observation, Doctor.startOf(observation)));
            } else if (!member.isRead()) {
                unread.add(new GroupReport.Unread(
                        member.node(),
                        member.isSentinel() ? "Sentinel" : member.role().label(),
                        member.problem()));
            }
        }
        return new GroupReport(
                group.group().name(),
                group.group().address(),
                group.kind(),
                group.state().map(s -> s.problem()).orElse(""),
                composition(group),
                startedAt,
                group.window(),
                findings,
                skipped,
                checked,
                reports,
                unread);
    }

    /** {@code 1 primary, 2 replicas, 3 Sentinels}: by each member's own word when read, else the topology's. */
    static String composition(GroupObservation group) {
        long primaries =
                group.dataNodes().stream().filter(m -> m.role() == Role.PRIMARY).count();
        long replicas =
                group.dataNodes().stream().filter(m -> m.role() == Role.REPLICA).count();
        long unknown = group.dataNodes().size() - primaries - replicas;
        long sentinels = group.sentinels().size();
        List<String> parts = new ArrayList<>();
        parts.add(Units.count(primaries, "primary").replace("primarys", "primaries"));
        parts.add(Units.count(replicas, "replica"));
        if (unknown > 0) {
            parts.add(unknown + " data " + (unknown == 1 ? "node" : "nodes") + " of unknown role");
        }
        if (group.isSentinel()) {
            parts.add(Units.count(sentinels, "Sentinel"));
        }
        return String.join(", ", parts);
    }
}
