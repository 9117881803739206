package io.steward.collector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Parses {@code MEMORY STATS} in both of its wire shapes: RESP2 sends a flat array of alternating
 * names and values with ratios as bulk strings; RESP3 sends a map with ratios as doubles. Nested
 * {@code db.N} entries carry their own name/value list. Non-numeric values are skipped.
 */
public final class MemoryStatsParser {

    private MemoryStatsParser() {}

    public static MemoryStats parse(Object reply) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Map<String, Double>> databases = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : pairs(reply).entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (value instanceof List<?> || value instanceof Map<?, ?>) {
                Map<String, Double> nested = new LinkedHashMap<>();
                pairs(value).forEach((k, v) -> number(v).ifPresent(n -> nested.put(k, n)));
                databases.put(name, nested);
            } else {
                number(value).ifPresent(n -> values.put(name, n));
            }
        }
        return new MemoryStats(values, databases);
    }

    private static Map<String, Object> pairs(Object reply) {
        Map<String, Object> pairs = new LinkedHashMap<>();
        if (reply instanceof Map<?, ?> map) {
            map.forEach((k, v) -> pairs.put(name(k), v));
        } else if (reply instanceof List<?> list) {
            List<?> items = new ArrayList<>(list);
            if (items.size() % 2 != 0) {
                throw new IllegalArgumentException("MEMORY STATS reply has an odd number of elements: " + items.size());
            }
            for (int i = 0; i < items.size(); i += 2) {
                pairs.put(name(items.get(i)), items.get(i + 1));
            }
        } else {
            throw new IllegalArgumentException("MEMORY STATS reply is neither an array nor a map: " + reply);
        }
        return pairs;
    }

    /**
     * A field's name, as the JVM's one copy of it: the names are Redis's own few dozen ({@code peak.allocated},
     * {@code db.0}, ...), and an agent keeps a reply of every target.
     */
    private static String name(Object value) {
        return text(value).intern();
    }

    private static OptionalDouble number(Object value) {
        if (value instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        return value == null ? OptionalDouble.empty() : Numbers.number(text(value));
    }

    private static String text(Object value) {
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }
}
