package io.steward.backup;

import java.time.Duration;
import java.util.Map;

/**
 * What a restore into a running server did.
 *
 * @param loaded keys loaded per database number, in order
 * @param expiredSkipped keys left out because their TTL had run out by the time they were to be loaded
 * @param functionLibraries function libraries the backup holds, which are not loaded
 * @param checking how long the first pass took (reading and verifying the backup, looking for keys that exist)
 * @param loading how long the second pass took (reading the backup again and loading it)
 */
public record LoadReport(
        Map<Integer, Long> loaded, long expiredSkipped, long functionLibraries, Duration checking, Duration loading) {

    public LoadReport {
        loaded = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(loaded));
    }

    public long keysLoaded() {
        return loaded.values().stream().mapToLong(Long::longValue).sum();
    }

    public Duration total() {
        return checking.plus(loading);
    }

    /** Keys loaded per second over the whole restore, both passes. */
    public double keysPerSecond() {
        double seconds = total().toNanos() / 1e9;
        return seconds <= 0 ? 0 : keysLoaded() / seconds;
    }
}
