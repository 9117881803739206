package io.steward.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a captured RESP2 reply (as {@code redis-cli --no-raw} would show it on the wire) into the objects
 * Lettuce hands over for RESP2: strings, longs and nested lists. For turning fixtures into replies only.
 */
public final class RespReader {

    private final String[] lines;
    private int next;

    private RespReader(String text) {
        this.lines = text.split("\r?\n", -1);
    }

    public static Object read(String text) {
        return new RespReader(text).value();
    }

    private Object value() {
        String line = lines[next++];
        char type = line.charAt(0);
        String rest = line.substring(1);
        return switch (type) {
            case ':' -> Long.parseLong(rest);
            case '+' -> rest;
            case '$' -> lines[next++];
            case '*' -> {
                int count = Integer.parseInt(rest);
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(value());
                }
                yield items;
            }
            default -> throw new IllegalArgumentException("not RESP2 at line " + next + ": " + line);
        };
    }
}
