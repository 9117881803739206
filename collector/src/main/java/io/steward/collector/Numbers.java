package io.steward.collector;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The one way a number the server sent is read: a value that is not a number is absent, never 0 or -1, so every
 * consumer treats a malformed field as one the server did not report.
 */
public final class Numbers {

    private Numbers() {}

    /** A whole number, empty for null, blank or anything else. */
    public static OptionalLong wholeNumber(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
    }

    /**
     * A field value as a number: plain numbers as they are, a trailing {@code %} dropped (the value stays in
     * percent), and the status words {@code ok/up/yes/true} as 1 and {@code err/fail/down/no/false} as 0.
     */
    public static OptionalDouble number(String value) {
        if (value == null) {
            return OptionalDouble.empty();
        }
        String v = value.strip();
        switch (v.toLowerCase(Locale.ROOT)) {
            case "ok", "up", "yes", "true" -> {
                return OptionalDouble.of(1);
            }
            case "err", "fail", "down", "no", "false" -> {
                return OptionalDouble.of(0);
            }
            default -> {
                // fall through to numeric parsing
            }
        }
        if (v.endsWith("%")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty() || !looksNumeric(v)) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(v));
        } catch (NumberFormatException notANumber) {
            return OptionalDouble.empty();
        }
    }

    // Double.parseDouble accepts "NaN", "Infinity" and hex floats; INFO values like a run_id must not pass.
    private static boolean looksNumeric(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
