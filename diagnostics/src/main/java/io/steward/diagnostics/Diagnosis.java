package io.steward.diagnostics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs rules over an observation. A rule whose sources are missing is skipped with the reason, never guessed. */
public final class Diagnosis {

    private static final Logger logger = LoggerFactory.getLogger(Diagnosis.class);

    private final List<Rule> rules;

    public Diagnosis(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public Report examine(Observation observation, Instant startedAt) {
        List<Finding> findings = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        int checked = 0;
        for (Rule rule : rules) {
            Optional<String> missing = rule.needs().stream()
                    .sorted()
                    .map(observation::unavailable)
                    .flatMap(Optional::stream)
                    .findFirst();
            if (missing.isPresent()) {
                skipped.add(new Skipped(rule.id(), rule.area(), missing.get()));
                continue;
            }
            try {
                rule.check().examine(observation).ifPresent(symptom -> findings.add(Finding.of(rule, symptom)));
                checked++;
            } catch (RuntimeException bug) {
                // One broken rule must not cost the operator the rest of the report.
                logger.warn("rule {} failed on {}", rule.id(), observation.target(), bug);
                skipped.add(new Skipped(rule.id(), rule.area(), "the rule failed: " + bug));
            }
        }
        return new Report(
                observation.target().name(),
                observation.target().address(),
                observation.latest().version(),
                observation.role(),
                startedAt,
                observation.window(),
                findings,
                skipped,
                checked);
    }
}
