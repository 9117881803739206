package io.steward.cli;

import io.steward.backup.BackupKeys;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupScheduler;
import io.steward.backup.BackupStore;
import io.steward.backup.Compression;
import io.steward.backup.RestoreDrill;
import io.steward.backup.RetentionPolicy;
import io.steward.backup.S3Settings;
import io.steward.backup.ScheduleStore;
import io.steward.backup.StorageUrl;
import io.steward.collector.Target;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The backup part of the configuration, checked: where backups go, how they are compressed and encrypted, what retention
 * keeps, and which targets are backed up on what schedule. Every mistake names its key path.
 */
record BackupSettings(
        StorageUrl url,
        String urlGivenBy,
        S3Settings s3,
        Compression compression,
        BackupKeys keys,
        Optional<RetentionPolicy> retention,
        List<BackupScheduler.Scheduled> schedules,
        Map<String, BackupOptions> options,
        List<RestoreDrill.Scheduled> drills,
        ScheduleStore scheduleStore) {

    /**
     * @param url where backups go, and {@code where} the name it was given by (flag, variable or key)
     * @param targets the targets built from the file's {@code targets:}, in the same order
     */
    static BackupSettings of(ConfigFile file, Map<String, String> env, String url, String where, List<Target> targets) {
        StewardConfig config = file.values();
        ScheduleStore scheduleStore = ScheduleSettings.of(config.scheduler(), file, env);
        StewardConfig.Storage storage = config.storage();
        StorageUrl storageUrl;
        try {
            storageUrl = StorageUrl.parse(url);
        } catch (IllegalArgumentException invalid) {
            throw new ConfigException(where + ": " + invalid.getMessage());
        }
        Compression compression =
                storage.compression() == null ? Compression.ZSTD : Compression.parse(storage.compression());
        if (compression == null) {
            throw new ConfigException(
                    file.at("storage.compression") + ": '" + storage.compression() + "' is not zstd or none");
        }
        List<BackupScheduler.Scheduled> schedules = new ArrayList<>();
        Map<String, BackupOptions> options = new HashMap<>();
        List<RestoreDrill.Scheduled> drills = new ArrayList<>();
        for (int i = 0; i < targets.size() && i < config.targets().size(); i++) {
            StewardConfig.Backup backup = config.targets().get(i).backup();
            if (backup == null) {
                continue;
            }
            String at = "targets[" + i + "].backup";
            // A drilled target's backups count their RDB's keys: the drill compares what it loads with them.
            BackupOptions chosen = options(backup, file, at).countingKeys(backup.drill() != null);
            options.put(targets.get(i).name(), chosen);
            if (backup.schedule() != null) {
                Optional<String> problem = BackupScheduler.problemWith(backup.schedule());
                if (problem.isPresent()) {
                    throw new ConfigException(file.at(at + ".schedule") + ": '" + backup.schedule()
                            + "' is not a Quartz cron expression (" + problem.get()
                            + "); for example \"0 0 * * * ?\" is every hour");
                }
                schedules.add(new BackupScheduler.Scheduled(targets.get(i), backup.schedule(), chosen));
            }
            if (backup.drill() != null) {
                drills.add(drill(backup.drill(), targets.get(i), file, env, at + ".drill"));
            }
        }
        return new BackupSettings(
                storageUrl,
                where,
                storageUrl.isS3() ? s3(storage.s3(), file, env) : null,
                compression,
                EncryptionKeys.of(storage.encryption(), file, env),
                retention(config.retention(), file),
                List.copyOf(schedules),
                Map.copyOf(options),
                List.copyOf(drills),
                scheduleStore);
    }

    /** A target's {@code backup.drill}: its schedule (required) and the redis-server it loads into. */
    private static RestoreDrill.Scheduled drill(
            StewardConfig.Drill drill, Target target, ConfigFile file, Map<String, String> env, String at) {
        if (drill.schedule() == null || drill.schedule().isBlank()) {
            throw new ConfigException(file.at(at + ".schedule") + ": missing; give a Quartz cron expression, for"
                    + " example \"0 0 3 * * ?\" is every day at 3:00");
        }
        Optional<String> problem = BackupScheduler.problemWith(drill.schedule());
        if (problem.isPresent()) {
            throw new ConfigException(file.at(at + ".schedule") + ": '" + drill.schedule()
                    + "' is not a Quartz cron expression (" + problem.get()
                    + "); for example \"0 0 3 * * ?\" is every day at 3:00");
        }
        DrillBinary binary = drill.redisServer() == null
                ? DrillBinary.onPath(env)
                : DrillBinary.given(drill.redisServer(), at + ".redis-server", file.at(at + ".redis-server"));
        return new RestoreDrill.Scheduled(target, drill.schedule(), binary.path(), binary.how());
    }

    /**
     * How a drill of this target finds its redis-server when the command line names none: its {@code
     * backup.drill.redis-server}, else the one on PATH.
     */
    DrillBinary drillBinary(String target, Map<String, String> env) {
        return drills.stream()
                .filter(drill -> drill.target().name().equals(target))
                .findFirst()
                .map(drill -> new DrillBinary(drill.redisServer(), drill.how()))
                .orElseGet(() -> DrillBinary.onPath(env));
    }

    private static BackupOptions options(StewardConfig.Backup backup, ConfigFile file, String at) {
        BackupOptions defaults = BackupOptions.defaults();
        Duration timeout = backup.timeout() == null
                ? defaults.timeout()
                : Durations.parse(backup.timeout(), file.at(at + ".timeout"));
        Duration maxLag = backup.maxLag() == null
                ? defaults.maxLag()
                : Durations.parse(backup.maxLag(), file.at(at + ".max-lag"));
        int parallel = backup.parallel() == null ? defaults.parallel() : backup.parallel();
        if (parallel < 1) {
            throw new ConfigException(file.at(at + ".parallel") + ": must be at least 1");
        }
        return new BackupOptions(
                timeout,
                choice(backup.source(), BackupOptions.Source.class, defaults.source(), file.at(at + ".source")),
                choice(backup.prefer(), BackupOptions.Prefer.class, defaults.prefer(), file.at(at + ".prefer")),
                maxLag,
                parallel,
                false);
    }

    private static <E extends Enum<E>> E choice(String given, Class<E> type, E fallback, String where) {
        if (given == null) {
            return fallback;
        }
        for (E each : type.getEnumConstants()) {
            if (each.name().equalsIgnoreCase(given.trim())) {
                return each;
            }
        }
        List<String> known = new ArrayList<>();
        for (E each : type.getEnumConstants()) {
            known.add(each.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(where + ": '" + given + "' is not "
                + String.join(", ", known.subList(0, known.size() - 1)) + " or " + known.get(known.size() - 1));
    }

    BackupStore openStore() {
        return url.open(s3);
    }

    /**
     * The store, for the commands that read backups already taken (list, verify, restore, prune). A directory that
     * does not exist holds none: most likely the URL is mistyped, which saying "no backups" would hide. (A bucket
     * that does not exist is the store's own error.)
     */
    BackupStore openExistingStore() {
        if (!url.isS3() && !Files.isDirectory(url.directory())) {
            Path dir = url.directory().toAbsolutePath().normalize();
            throw new CouldNotRunException(urlGivenBy + ": the backup store " + dir
                    + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + "; check --storage or storage.url (backup run creates the directory with its first backup)");
        }
        return openStore();
    }

    /** The target's backup options, the defaults for a target given on the command line. */
    BackupOptions options(Target target) {
        return options.getOrDefault(target.name(), BackupOptions.defaults());
    }

    private static S3Settings s3(StewardConfig.S3 s3, ConfigFile file, Map<String, String> env) {
        StewardConfig.S3 given = s3 == null ? new StewardConfig.S3(null, null, null, null, null, null, null) : s3;
        String sse = given.sse();
        if (sse != null && !S3Settings.SSE_CHOICES.contains(sse.strip())) {
            throw new ConfigException(file.at("storage.s3.sse") + ": '" + sse + "' is not AES256 or aws:kms");
        }
        if (given.kmsKeyId() != null && (sse == null || !sse.strip().equals("aws:kms"))) {
            throw new ConfigException(file.at("storage.s3.kms-key-id")
                    + ": a KMS key is used only with sse: aws:kms; set storage.s3.sse to aws:kms or remove it");
        }
        URI endpoint = null;
        if (given.endpoint() != null) {
            try {
                endpoint = URI.create(given.endpoint());
            } catch (IllegalArgumentException invalid) {
                endpoint = null;
            }
            if (endpoint == null
                    || endpoint.getHost() == null
                    || !List.of("http", "https").contains(String.valueOf(endpoint.getScheme()))) {
                throw new ConfigException(file.at("storage.s3.endpoint") + ": '" + given.endpoint()
                        + "' is not an http(s) URL" + " (for example http://127.0.0.1:9000)");
            }
        }
        if ((given.accessKeyEnv() == null) != (given.secretKeyEnv() == null)) {
            throw new ConfigException(
                    file.at("storage.s3") + ": give both access-key-env and secret-key-env, or neither (then the"
                            + " AWS default credentials are used)");
        }
        String accessKey = given.accessKeyEnv() == null
                ? null
                : required(env, given.accessKeyEnv(), file.at("storage.s3.access-key-env"));
        String secretKey = given.secretKeyEnv() == null
                ? null
                : required(env, given.secretKeyEnv(), file.at("storage.s3.secret-key-env"));
        String checksums =
                given.checksums() == null ? "when-supported" : given.checksums().toLowerCase(Locale.ROOT);
        if (!checksums.equals("when-supported") && !checksums.equals("when-required")) {
            throw new ConfigException(
                    file.at("storage.s3.checksums") + ": '" + given.checksums() + "' is not when-supported or"
                            + " when-required (use when-required for stores that reject the AWS SDK's default checksums)");
        }
        int attempts = given.maxAttempts() == null ? 4 : given.maxAttempts();
        if (attempts < 1) {
            throw new ConfigException(file.at("storage.s3.max-attempts") + ": must be at least 1");
        }
        return new S3Settings(
                endpoint,
                given.region() == null ? "us-east-1" : given.region(),
                given.pathStyle() != null ? given.pathStyle() : endpoint != null,
                accessKey,
                secretKey,
                checksums.equals("when-required"),
                attempts,
                sse == null ? null : sse.strip(),
                given.kmsKeyId() == null ? null : given.kmsKeyId().strip());
    }

    private static String required(Map<String, String> env, String variable, String where) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new ConfigException(where + ": environment variable " + variable + " is not set");
        }
        return value;
    }

    private static Optional<RetentionPolicy> retention(StewardConfig.Retention retention, ConfigFile file) {
        if (retention == null) {
            return Optional.empty();
        }
        int last = count(retention.keepLast(), file.at("retention.keep-last"));
        int daily = count(retention.keepDaily(), file.at("retention.keep-daily"));
        int weekly = count(retention.keepWeekly(), file.at("retention.keep-weekly"));
        int monthly = count(retention.keepMonthly(), file.at("retention.keep-monthly"));
        if (last + daily + weekly + monthly == 0) {
            throw new ConfigException(file.at("retention")
                    + ": every count is 0 or missing; give at least one, for example keep-last: 24");
        }
        return Optional.of(new RetentionPolicy(last, daily, weekly, monthly));
    }

    private static int count(Integer value, String where) {
        if (value == null) {
            return 0;
        }
        if (value < 0) {
            throw new ConfigException(where + ": must be 0 or more");
        }
        return value;
    }
}
