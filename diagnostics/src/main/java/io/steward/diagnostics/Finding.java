package io.steward.diagnostics;

import java.util.List;
import java.util.Objects;

/** One finding of a report: the rule that fired, its area, and what it found. */
public record Finding(String id, Area area, Severity severity, String title, List<String> evidence, String remedy) {

    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(remedy, "remedy");
    }

    static Finding of(Rule rule, Symptom symptom) {
        return new Finding(
                rule.id(), rule.area(), symptom.severity(), symptom.title(), symptom.evidence(), symptom.remedy());
    }
}
