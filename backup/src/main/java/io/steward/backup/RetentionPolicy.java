package io.steward.backup;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups of one target to keep: the newest {@code keepLast}, plus the newest backup of each of the last
 * {@code keepDaily} days, {@code keepWeekly} ISO weeks and {@code keepMonthly} months that have one (UTC). A
 * backup kept for any rule is kept. Only complete backups are counted, and the newest is kept whatever the
 * numbers say. A rule of 0 keeps nothing by itself.
 */
public record RetentionPolicy(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {

    public RetentionPolicy {
        if (keepLast < 0 || keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("retention counts cannot be negative");
        }
    }

    /** One backup and why it stays (empty reasons: it goes). */
    public record Decision(Manifest backup, List<String> keptFor) {
        public boolean keep() {
            return !keptFor.isEmpty();
        }
    }

    /** Decides for each backup of one target, newest first. */
    public List<Decision> apply(List<Manifest> backups) {
        List<Manifest> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparing(Manifest::started)
                .thenComparing(Manifest::id)
                .reversed());
        Map<Manifest, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(backup -> reasons.put(backup, new ArrayList<>()));
        for (int i = 0; i < Math.min(keepLast, newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i)).add("last " + keepLast);
        }
        keepNewestPer(newestFirst, keepDaily, "daily", at -> date(at).toString(), reasons);
        keepNewestPer(
                newestFirst,
                keepWeekly,
                "weekly",
                at -> date(at).get(IsoFields.WEEK_BASED_YEAR) + "-W" + date(at).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                reasons);
        keepNewestPer(
                newestFirst,
                keepMonthly,
                "monthly",
                at -> date(at).getYear() + "-" + date(at).getMonthValue(),
                reasons);
        if (!newestFirst.isEmpty()) {
            List<String> newest = reasons.get(newestFirst.get(0));
            if (newest.isEmpty()) {
                newest.add("newest");
            }
        }
        return newestFirst.stream()
                .map(backup -> new Decision(backup, List.copyOf(reasons.get(backup))))
                .toList();
    }

    private static void keepNewestPer(
            List<Manifest> newestFirst,
            int count,
            String rule,
            Function<Instant, String> period,
            Map<Manifest, List<String>> reasons) {
        Set<String> seen = new HashSet<>();
        for (Manifest backup : newestFirst) {
            if (seen.size() == count) {
                return;
            }
            String key = period.apply(backup.started());
            if (seen.add(key)) {
                reasons.get(backup).add(rule + " " + key);
            }
        }
    }

    private static LocalDate date(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
