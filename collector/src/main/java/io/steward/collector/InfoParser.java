package io.steward.collector;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Parses the text of {@code INFO} into a {@link RedisInfo}. Pure: no I/O, no clock.
 *
 * <p>Every field is kept, known or not, so a newer server never breaks the parser; values stay text
 * until a consumer asks for a number. Lines before the first section header land in section
 * {@code "default"}.
 */
public final class InfoParser {

    private InfoParser() {}

    public static RedisInfo parse(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = sections.computeIfAbsent("default", k -> new LinkedHashMap<>());
        for (String rawLine : text.split("\n")) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String name = line.substring(1).strip().toLowerCase(Locale.ROOT);
                current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String field = line.substring(0, colon);
            String value = line.substring(colon + 1);
            // Modules repeat the field name ("module:name=search,..."); keep each under its own key.
            if (current.containsKey(field) && field.equals("module")) {
                field = field + ":" + nested(value).getOrDefault("name", String.valueOf(current.size()));
            }
            current.put(field, value);
        }
        if (sections.get("default").isEmpty()) {
            sections.remove("default");
        }
        return new RedisInfo(sections);
    }

    /**
     * Splits the nested {@code key=value,key=value} form used by {@code db0}, {@code slave0},
     * {@code cmdstat_*}, {@code errorstat_*} and {@code latency_percentiles_usec_*}.
     */
    public static Map<String, String> nested(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    /**
     * A field value as a number: plain numbers as they are, a trailing {@code %} dropped (the value
     * stays in percent), and the status words {@code ok/up/yes/true} as 1 and {@code err/fail/down/no/false} as 0.
     */
    public static OptionalDouble toNumber(String value) {
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
