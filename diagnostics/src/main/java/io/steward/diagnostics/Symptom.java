package io.steward.diagnostics;

import java.util.List;
import java.util.Objects;

/**
 * What a rule found: how bad, a title that names the problem, the numbers behind it (one line each), and the
 * change that fixes it (a config line or a command; several lines allowed).
 */
public record Symptom(Severity severity, String title, List<String> evidence, String remedy) {

    public Symptom {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(remedy, "remedy");
    }
}
