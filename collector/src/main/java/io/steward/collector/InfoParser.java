package io.steward.collector;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the text of {@code INFO} into a {@link RedisInfo}. Pure: no I/O, no clock.
 *
 * <p>Every field is kept, known or not, so a newer server never breaks the parser; values stay text
 * until a consumer asks for a number. Lines before the first section header land in section
 * {@code "default"}.
 *
 * <p>A parser of one server's replies, held by its poller, lays out every reply of a shape it has seen like the
 * earlier ones ({@link InfoLayouts}); {@link #parse} is for a reply read once.
 */
public final class InfoParser {

    private final InfoLayouts layouts = new InfoLayouts();

    InfoParser() {}

    /** One reply, on its own. */
    public static RedisInfo parse(String text) {
        return new InfoParser().read(text);
    }

    /** A reply of the server whose replies this parser reads. */
    RedisInfo read(String text) {
        return RedisInfo.of(sections(text), layouts);
    }

    /** A light reply, with the named sections of the last full one in place of its own. */
    RedisInfo readCompletedBy(String text, RedisInfo full, String[] slowSections) {
        Map<String, Map<String, String>> sections = sections(text);
        for (String name : slowSections) {
            sections.put(name, full.section(name));
        }
        return RedisInfo.of(sections, layouts);
    }

    private static Map<String, Map<String, String>> sections(String text) {
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
        return sections;
    }

    /**
     * Splits the nested {@code key=value,key=value} form used by {@code db0}, {@code slave0},
     * {@code cmdstat_*}, {@code errorstat_*} and {@code latency_percentiles_usec_*}.
     */
    static Map<String, String> nested(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }
}
