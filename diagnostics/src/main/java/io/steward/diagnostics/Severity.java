package io.steward.diagnostics;

import java.util.Locale;

/** How bad a finding is, least severe first. */
public enum Severity {
    /** Advice: worth knowing, nothing is at risk yet. */
    INFO,
    /** A real risk or a degradation that needs a change. */
    WARNING,
    /** Data loss or an outage, now or imminent. */
    CRITICAL;

    /** The lower-case name used in reports, metrics and {@code --fail-on}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label; throws {@link IllegalArgumentException} naming the accepted values. */
    public static Severity parse(String label) {
        for (Severity severity : values()) {
            if (severity.label().equalsIgnoreCase(label.strip())) {
                return severity;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a severity (use info, warning or critical)");
    }
}
