package io.steward.cli;

import io.steward.collector.Target;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every command's settings, worked out in one place: a flag wins over its environment variable, which wins over
 * the config file, which wins over the default. The config file is {@code --config}, else {@code STEWARD_CONFIG}.
 * A bad value is reported under the name it was given by: the flag, the variable, or the key of the file with its
 * line and column.
 */
final class Settings {

    static final String DEFAULT_TARGET = "redis://localhost:6379";
    static final String DEFAULT_LISTEN = ":9739";
    static final String DEFAULT_DOCTOR_INTERVAL = "1m";
    static final String DEFAULT_STORAGE = "file:./backups";

    private final Map<String, String> env;
    private final ConfigFile file;

    private Settings(Map<String, String> env, ConfigFile file) {
        this.env = env;
        this.file = file;
    }

    /** With the config file of {@code --config} or, when that is not given, of {@code STEWARD_CONFIG}. */
    static Settings load(Map<String, String> env, Path configFlag) {
        return load(env, configFlag, true);
    }

    /** @param configFromEnvironment whether {@code STEWARD_CONFIG} applies when {@code --config} is not given */
    static Settings load(Map<String, String> env, Path configFlag, boolean configFromEnvironment) {
        String variable = env.get("STEWARD_CONFIG");
        Path path =
                configFlag != null ? configFlag : configFromEnvironment && present(variable) ? Path.of(variable) : null;
        return new Settings(env, path == null ? ConfigFile.none() : new ConfigLoader().load(path));
    }

    ConfigFile file() {
        return file;
    }

    /**
     * The config file's targets, checked, in the file's order.
     *
     * @param timeout for the targets that give none
     */
    List<Target> configuredTargets(Duration timeout) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < file.values().targets().size(); i++) {
            targets.add(TargetFactory.fromEntry(file, i, env, timeout));
        }
        return distinct(targets);
    }

    /**
     * How to reach the servers named by URI on the command line: the connection flags, else {@code REDIS_USERNAME}
     * and {@code REDIS_PASSWORD}.
     */
    UriTargets uriTargets(ConnectionOptions flags, Duration pollInterval, Duration timeout) {
        String username = flags.username != null ? flags.username : env.get("REDIS_USERNAME");
        String password = flags.passwordFile != null
                ? Credentials.readPasswordFile(flags.passwordFile, "--password-file")
                : env.get("REDIS_PASSWORD");
        String sentinelUsername =
                flags.sentinelUsername != null ? flags.sentinelUsername : env.get("REDIS_SENTINEL_USERNAME");
        String sentinelPassword = flags.sentinelPasswordFile != null
                ? Credentials.readPasswordFile(flags.sentinelPasswordFile, "--sentinel-password-file")
                : env.get("REDIS_SENTINEL_PASSWORD");
        return new UriTargets(
                new Credentials(username, password),
                new Credentials(sentinelUsername, sentinelPassword),
                flags.cluster,
                new StewardConfig.Tls(flags.tlsCaFile, flags.tlsCertFile, flags.tlsKeyFile),
                pollInterval,
                timeout);
    }

    /** The config file's targets of these names ({@code --target}), in the order asked. */
    List<Target> named(List<String> names, List<Target> configured) {
        if (!names.isEmpty() && !file.exists()) {
            throw new ConfigException(
                    "--target: names a target of the config file; give --config FILE (or STEWARD_CONFIG)");
        }
        List<Target> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(configured.stream()
                    .filter(target -> target.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException("--target: no target named '" + name + "' in "
                            + file.name()
                            + (configured.isEmpty()
                                    ? " (it has no targets)"
                                    : " (known: "
                                            + String.join(
                                                    ", ",
                                                    configured.stream()
                                                            .map(Target::name)
                                                            .toList()) + ")"))));
        }
        return chosen;
    }

    /** The targets given, or {@value #DEFAULT_TARGET} for a command given none at all. */
    static List<Target> orDefault(List<Target> targets, UriTargets how) {
        return targets.isEmpty() ? List.of(how.target(DEFAULT_TARGET, "default target")) : List.copyOf(targets);
    }

    /** The targets, refused when two share a name (their series and backups would mix). */
    static List<Target> distinct(List<Target> targets) {
        Set<String> names = new HashSet<>();
        for (Target target : targets) {
            if (!names.add(target.name())) {
                throw new ConfigException("two targets are named '" + target.name() + "': give each a distinct name");
            }
        }
        return List.copyOf(targets);
    }

    InetSocketAddress listenAddress(String flag) {
        Setting listen = pick(
                flag,
                "--web.listen-address",
                "STEWARD_WEB_LISTEN_ADDRESS",
                file.values().web().listenAddress(),
                "web.listen-address",
                DEFAULT_LISTEN);
        return ListenAddress.parse(listen.value(), listen.where());
    }

    /** The web config of {@code --web.config.file}, read and checked; {@link WebConfig#NONE} when none is given. */
    WebConfig webConfig(String flag) {
        Setting file = pick(
                flag,
                "--web.config.file",
                "STEWARD_WEB_CONFIG_FILE",
                this.file.values().web().configFile(),
                "web.config-file",
                null);
        if (file.value() == null) {
            return WebConfig.NONE;
        }
        Path path;
        try {
            path = Path.of(file.value());
        } catch (java.nio.file.InvalidPathException invalid) {
            throw new ConfigException(file.where() + ": '" + file.value() + "' is not a path");
        }
        return new WebConfigReader().read(path);
    }

    /** How often {@code serve} diagnoses each target. */
    Duration doctorInterval(String flag) {
        Setting interval = pick(
                flag,
                "--doctor.interval",
                "STEWARD_DOCTOR_INTERVAL",
                file.values().doctor().interval(),
                "doctor.interval",
                DEFAULT_DOCTOR_INTERVAL);
        return Durations.parse(interval.value(), interval.where());
    }

    /**
     * @param storageFlag the URL of {@code --to} or {@code --storage}, or null
     * @param configured {@link #configuredTargets}, whose schedules the file gives
     */
    BackupSettings backups(String storageFlag, String flagName, List<Target> configured) {
        Setting url = pick(
                storageFlag,
                flagName,
                "STEWARD_STORAGE_URL",
                file.values().storage().url(),
                "storage.url",
                DEFAULT_STORAGE);
        return BackupSettings.of(file, env, url.value(), url.where(), configured);
    }

    /**
     * What {@code /scrape} may poll: the targets, and the hosts of {@code --web.scrape-allow} (which replace those of
     * {@code web.scrape-allow}) with the credentials of {@code web.scrape-username} and {@code
     * web.scrape-password-file} or {@code -env}.
     */
    ScrapePolicy scrapePolicy(List<String> allowFlags, List<Target> targets, Duration timeout) {
        StewardConfig.Web web = file.values().web();
        List<HostPattern> allowed = new ArrayList<>();
        if (!allowFlags.isEmpty()) {
            allowFlags.forEach(pattern -> allowed.add(HostPattern.parse(pattern, "--web.scrape-allow")));
        } else {
            for (int i = 0; i < web.scrapeAllow().size(); i++) {
                allowed.add(HostPattern.parse(web.scrapeAllow().get(i), file.at("web.scrape-allow[" + i + "]")));
            }
        }
        Credentials credentials = Credentials.fromConfig(
                web.scrapeUsername(),
                web.scrapePasswordFile(),
                web.scrapePasswordEnv(),
                file,
                "web",
                "scrape-password-file",
                "scrape-password-env",
                env);
        return new ScrapePolicy(targets, allowed, credentials, timeout);
    }

    /** A value and the name it was given by, for messages. */
    private record Setting(String value, String where) {}

    private Setting pick(String flag, String flagName, String variable, String fileValue, String key, String fallback) {
        if (present(flag)) {
            return new Setting(flag, flagName);
        }
        if (present(env.get(variable))) {
            return new Setting(env.get(variable), variable);
        }
        if (present(fileValue)) {
            return new Setting(fileValue, file.at(key));
        }
        return new Setting(fallback, key);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
