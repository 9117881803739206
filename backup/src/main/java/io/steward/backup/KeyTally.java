package io.steward.backup;

import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The keys of one RDB per database, counted as they are parsed, and when those with a TTL expire: those expired by
 * the time the parse began, and, by the second, those that expire in the day after it. A scratch server drops a key
 * whose TTL ran out by the time it loads it, and may expire more before it is asked what it holds; this says how many
 * that can be. Memory stays bounded: at most a day's seconds per database.
 */
final class KeyTally {

    private static final long HORIZON_MILLIS = Duration.ofDays(1).toMillis();

    private final long startMillis;
    private final Map<Integer, long[]> counts = new TreeMap<>();
    private final Map<Integer, NavigableMap<Long, Long>> expiring = new TreeMap<>();

    /** @param startMillis when the parse began (Unix millis): a key that expires by then counts as expired */
    KeyTally(long startMillis) {
        this.startMillis = startMillis;
    }

    /** @param expireAtMillis Unix millis, 0 for a key without a TTL */
    void add(int db, long expireAtMillis) {
        long[] count = counts.computeIfAbsent(db, d -> new long[2]);
        count[0]++;
        if (expireAtMillis <= 0) {
            return;
        }
        if (expireAtMillis <= startMillis) {
            count[1]++;
        } else if (expireAtMillis - startMillis <= HORIZON_MILLIS) {
            expiring.computeIfAbsent(db, d -> new TreeMap<>()).merge(expireAtMillis / 1000, 1L, Long::sum);
        }
    }

    Set<Integer> databases() {
        return counts.keySet();
    }

    long keys(int db) {
        long[] count = counts.get(db);
        return count == null ? 0 : count[0];
    }

    /** Keys whose TTL had run out when the parse began. */
    long expiredAtStart(int db) {
        long[] count = counts.get(db);
        return count == null ? 0 : count[1];
    }

    /** Keys whose TTL runs out after the parse began and by {@code untilMillis} (its whole second included). */
    long expiringBy(int db, long untilMillis) {
        NavigableMap<Long, Long> seconds = expiring.get(db);
        if (seconds == null) {
            return 0;
        }
        return seconds.headMap(untilMillis / 1000, true).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
