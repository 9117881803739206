package io.steward.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup's objects live: {@code <target>/<UTC yyyyMMddTHHmmssZ>-<8 hex>/dump.rdb.zst} and
 * {@code .../manifest.json}, relative to the store's root; a Cluster's backup set holds {@code shard-0.rdb.zst},
 * {@code shard-1.rdb.zst}, ... in place of {@code dump.rdb.zst}. The directory name is the backup's id: unique,
 * sortable by time, and what {@code verify} and {@code restore} take.
 */
final class BackupLayout {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern KEY = Pattern.compile("([^/]+)/(\\d{8}T\\d{6}Z-[0-9a-f]{8})/([^/]+)");
    static final Pattern ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupLayout() {}

    static String newId(Instant start) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return STAMP.format(start.truncatedTo(ChronoUnit.SECONDS)) + "-"
                + HexFormat.of().formatHex(suffix);
    }

    /**
     * The directory of a target's backups. Target names are often {@code host:port}; anything other than letters,
     * digits, {@code .}, {@code _} and {@code -} becomes {@code _} so the name is safe in keys and paths.
     */
    static String targetDir(String target) {
        return target.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String key(String target, String id, String fileName) {
        return targetDir(target) + "/" + id + "/" + fileName;
    }

    /** The parts of a key inside the layout, or empty for anything else in the store. */
    static Optional<Location> parse(String key) {
        Matcher m = KEY.matcher(key);
        return m.matches() ? Optional.of(new Location(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    record Location(String targetDir, String id, String fileName) {
        String backupDir() {
            return targetDir + "/" + id;
        }
    }
}
