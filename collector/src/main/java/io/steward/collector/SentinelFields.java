package io.steward.collector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One entry of a {@code SENTINEL MASTERS}, {@code REPLICAS} or {@code SENTINELS} reply: field names and values as
 * the Sentinel sent them. Over RESP2 an entry is a flat list of names and values, over RESP3 a map. A field every
 * Sentinel since 3.2 sends is required: its absence means the reply is not what it claims to be.
 */
final class SentinelFields {

    private final String command;
    private final Map<String, String> values;

    private SentinelFields(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /** Every entry of a reply that is a list of entries. */
    static List<SentinelFields> entries(String command, Object reply) {
        if (!(reply instanceof List<?> list)) {
            throw new IllegalArgumentException(command + " reply is not a list: " + reply);
        }
        List<SentinelFields> entries = new ArrayList<>(list.size());
        for (Object entry : list) {
            entries.add(new SentinelFields(command, pairs(command, entry)));
        }
        return entries;
    }

    /** The names and values of one entry, or of a reply that is one ({@code SENTINEL CONFIG GET}). */
    static Map<String, String> pairs(String command, Object entry) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (entry instanceof Map<?, ?> map) {
            map.forEach((name, value) -> pairs.put(text(name), text(value)));
        } else if (entry instanceof List<?> flat && flat.size() % 2 == 0) {
            for (int i = 0; i < flat.size(); i += 2) {
                pairs.put(text(flat.get(i)), text(flat.get(i + 1)));
            }
        } else {
            throw new IllegalArgumentException(command + " entry is neither a map nor pairs of names and values");
        }
        return pairs;
    }

    private static String text(Object value) {
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        return String.valueOf(value);
    }

    String text(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(command + " entry lacks " + name);
        }
        return value;
    }

    long whole(String name) {
        return Numbers.wholeNumber(text(name))
                .orElseThrow(() -> new IllegalArgumentException(command + " field " + name + " is not a number"));
    }

    /** A field that is an {@code int} (a port, a count); one beyond that range is no such field. */
    int small(String name) {
        long value = whole(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(command + " field " + name + " is out of range: " + value);
        }
        return (int) value;
    }

    /** A field sent only in some states (an instance down) or by some versions. */
    OptionalLong optionalWhole(String name) {
        return Numbers.wholeNumber(values.get(name));
    }

    String textOr(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** {@code flags}, a comma-separated list such as {@code s_down,master,disconnected}. */
    Set<String> flags() {
        Set<String> flags = new LinkedHashSet<>();
        for (String flag : text("flags").split(",")) {
            if (!flag.isBlank()) {
                flags.add(flag.strip());
            }
        }
        return flags;
    }
}
