package io.steward.collector;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Sentinel's own settings, {@code SENTINEL CONFIG GET *} ({@code announce-ip}, {@code resolve-hostnames}, ...),
 * without the ones that hold a password ({@code sentinel-pass}): those are dropped where the reply is parsed, so
 * they never reach a snapshot, a metric or a report.
 */
public record SentinelConfig(Map<String, String> values) {

    public SentinelConfig {
        values = Map.copyOf(values);
    }

    static SentinelConfig parse(Object reply) {
        Map<String, String> values = new LinkedHashMap<>();
        SentinelFields.pairs("SENTINEL CONFIG GET", reply).forEach((name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).contains("pass")) {
                values.put(name, value);
            }
        });
        return new SentinelConfig(values);
    }
}
