package io.steward.backup;

import io.steward.collector.Keyspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/** What a drill of one RDB found: its keys per database against the manifest's and the scratch server's. */
final class KeyComparison {

    private static final int DEFAULT_DATABASES = 16;

    private KeyComparison() {}

    /**
     * The manifest's keys against the RDB's; with a scratch server, what it holds against the RDB's keys less those
     * it dropped as expired. A key whose TTL ran out while the server loaded (or before it was asked) may be there or
     * not: the server may hold any count between the two.
     *
     * @param name the RDB's name in the backup ({@code dump}, {@code shard-N}), and {@code what} it is in messages
     * @param exact whether the manifest's counts are the RDB's own (counted as it streamed), rather than INFO's after
     *     the save
     * @param loaded what the scratch server held; null for a drill that only parsed
     */
    static DrillResult.Part of(
            String name,
            String what,
            Map<String, Long> expected,
            boolean exact,
            KeyTally tally,
            ScratchRedis.Loaded loaded) {
        SortedSet<Integer> dbs = new TreeSet<>(tally.databases());
        expected.keySet().stream()
                .filter(db -> db.matches("db\\d+"))
                .forEach(db -> dbs.add(Integer.parseInt(db.substring(2))));
        if (loaded != null) {
            loaded.keyspace().databases().forEach(db -> dbs.add(db.index()));
        }
        List<DrillResult.DatabaseCount> counts = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        boolean manifestDiffers = false;
        for (int db : dbs) {
            long recorded = expected.getOrDefault("db" + db, 0L);
            long parsed = tally.keys(db);
            if (parsed != recorded) {
                manifestDiffers = true;
                differences.add("db" + db + ": the manifest records " + recorded + " keys, the RDB holds " + parsed);
            }
            if (loaded == null) {
                counts.add(new DrillResult.DatabaseCount(
                        db, recorded, parsed, tally.expiredAtStart(db), OptionalLong.empty()));
                continue;
            }
            long held =
                    loaded.keyspace().database(db).map(Keyspace.Database::keys).orElse(0L);
            long most = parsed - tally.expiredAtStart(db);
            long least = most - tally.expiringBy(db, loaded.askedAtMillis());
            if (held < least || held > most) {
                differences.add("db" + db + ": the RDB holds " + parsed + " keys, " + (parsed - most)
                        + " of them expired, so redis-server should hold "
                        + (least == most ? String.valueOf(most) : least + " to " + most) + "; it holds " + held);
            }
            counts.add(new DrillResult.DatabaseCount(
                    db, recorded, parsed, Math.max(0, parsed - held), OptionalLong.of(held)));
        }
        if (!differences.isEmpty()) {
            String why = manifestDiffers && !exact
                    ? " (the manifest's counts are INFO keyspace's after the save, which writes during the backup"
                            + " change; backups of a target with backup.drill record the RDB's own count)"
                    : "";
            return new DrillResult.Part(
                    name,
                    DrillFailure.KEYS_DIFFER,
                    what + ": keys differ: " + String.join("; ", differences) + why,
                    counts);
        }
        return new DrillResult.Part(
                name, null, loaded == null ? "parsed" : "loaded into redis-server " + loaded.version(), counts);
    }

    /** The databases the scratch server needs: one more than the highest the RDB or the manifest names, at least 16. */
    static int databases(Map<String, Long> expected, KeyTally tally) {
        int highest =
                tally.databases().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (String name : expected.keySet()) {
            if (name.matches("db\\d{1,6}")) {
                highest = Math.max(highest, Integer.parseInt(name.substring(2)));
            }
        }
        return Math.max(DEFAULT_DATABASES, highest + 1);
    }
}
