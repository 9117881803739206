package io.steward.cli;

import java.util.List;

/**
 * The configuration file as written (YAML, kebab-case keys). Values stay text here; {@link Settings}
 * checks and converts them, naming the key path of anything wrong.
 */
public record StewardConfig(
        Web web, List<TargetEntry> targets, Doctor doctor, Storage storage, Retention retention, Scheduler scheduler) {

    public StewardConfig {
        web = web == null ? new Web(null, null, null, null, null, null) : web;
        targets = targets == null ? List.of() : List.copyOf(targets);
        doctor = doctor == null ? new Doctor(null) : doctor;
        storage = storage == null ? new Storage(null, null, null, null) : storage;
        scheduler = scheduler == null ? new Scheduler(null, null) : scheduler;
    }

    public static StewardConfig empty() {
        return new StewardConfig(null, null, null, null, null, null);
    }

    /**
     * {@code web:} where to listen, and which hosts {@code /scrape} may poll besides the configured targets
     * ({@code host:port} patterns with {@code *}), with the credentials for those hosts alone, and the web config
     * file (TLS, users, headers; {@link WebConfigReader}).
     */
    public record Web(
            String listenAddress,
            String configFile,
            List<String> scrapeAllow,
            String scrapeUsername,
            String scrapePasswordFile,
            String scrapePasswordEnv) {

        public Web {
            scrapeAllow = scrapeAllow == null ? List.of() : List.copyOf(scrapeAllow);
        }
    }

    /** {@code doctor:} how often {@code serve} diagnoses each target. */
    public record Doctor(String interval) {}

    /**
     * One entry of {@code targets:}: a server, a Sentinel group ({@code redis-sentinel://} URI, with the
     * Sentinels' own credentials when they have some) or a cluster ({@code cluster: true}, seeds in the URI or in
     * {@code seeds:}).
     */
    public record TargetEntry(
            String name,
            String uri,
            List<String> seeds,
            Boolean cluster,
            String username,
            String passwordFile,
            String passwordEnv,
            String sentinelUsername,
            String sentinelPasswordFile,
            String sentinelPasswordEnv,
            String pollInterval,
            String timeout,
            Tls tls,
            Backup backup) {

        public TargetEntry {
            seeds = seeds == null ? List.of() : List.copyOf(seeds);
        }

        public TargetEntry(
                String name,
                String uri,
                String username,
                String passwordFile,
                String passwordEnv,
                String pollInterval,
                String timeout,
                Tls tls,
                Backup backup) {
            this(
                    name,
                    uri,
                    null,
                    null,
                    username,
                    passwordFile,
                    passwordEnv,
                    null,
                    null,
                    null,
                    pollInterval,
                    timeout,
                    tls,
                    backup);
        }

        public TargetEntry(
                String name,
                String uri,
                String username,
                String passwordFile,
                String passwordEnv,
                String pollInterval,
                String timeout,
                Tls tls) {
            this(name, uri, username, passwordFile, passwordEnv, pollInterval, timeout, tls, null);
        }

        boolean isCluster() {
            return Boolean.TRUE.equals(cluster);
        }
    }

    /** {@code tls:} of a target: PEM files for {@code rediss://}. */
    public record Tls(String caFile, String certFile, String keyFile) {}

    /**
     * {@code backup:} of a target: a Quartz cron schedule, how long Redis may take to produce the RDB (default 1h),
     * where the RDB is read from, which member of a group gives it, how a Cluster's shards are copied, and its restore
     * drills.
     */
    public record Backup(
            String schedule,
            String timeout,
            String source,
            String prefer,
            String maxLag,
            Integer parallel,
            Drill drill) {

        public Backup(String schedule, String timeout) {
            this(schedule, timeout, null, null, null, null, null);
        }
    }

    /**
     * {@code backup.drill:} of a target: when its newest backup is restored as a drill (a Quartz cron schedule), and
     * the {@code redis-server} to load it into ({@code none}: parse the RDB only; absent: the one on PATH).
     */
    public record Drill(String schedule, String redisServer) {}

    /** {@code storage:} where backups go, how they are compressed and encrypted. */
    public record Storage(String url, S3 s3, String compression, Encryption encryption) {

        public Storage(String url, S3 s3, String compression) {
            this(url, s3, compression, null);
        }
    }

    /**
     * {@code storage.encryption:} the key that encrypts new backups (a file holding it, or an environment variable),
     * and the old keys that may still decrypt backups taken under them.
     */
    public record Encryption(String keyFile, String keyEnv, List<KeySource> oldKeys) {

        public Encryption {
            oldKeys = oldKeys == null ? List.of() : List.copyOf(oldKeys);
        }
    }

    /** One key of {@code storage.encryption.old-keys}: a file holding it, or an environment variable. */
    public record KeySource(String keyFile, String keyEnv) {}

    /** {@code storage.s3:} how to reach an S3-compatible store, and the server-side encryption it is asked for. */
    public record S3(
            String endpoint,
            String region,
            Boolean pathStyle,
            String accessKeyEnv,
            String secretKeyEnv,
            String checksums,
            Integer maxAttempts,
            String sse,
            String kmsKeyId) {

        public S3(
                String endpoint,
                String region,
                Boolean pathStyle,
                String accessKeyEnv,
                String secretKeyEnv,
                String checksums,
                Integer maxAttempts) {
            this(endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv, checksums, maxAttempts, null, null);
        }
    }

    /** {@code retention:} how many backups to keep per target. */
    public record Retention(Integer keepLast, Integer keepDaily, Integer keepWeekly, Integer keepMonthly) {}

    /**
     * {@code scheduler:} where the schedule of backups and drills lives: {@code memory} (each agent its own) or {@code
     * jdbc} (shared by the agents using one PostgreSQL database, each job run by one of them).
     */
    public record Scheduler(String store, Jdbc jdbc) {}

    /** {@code scheduler.jdbc:} the database of a shared schedule. */
    public record Jdbc(
            String url,
            String username,
            String passwordFile,
            String passwordEnv,
            String tablePrefix,
            String checkinInterval) {}
}
