package io.steward.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Starts agents for tests the way {@code steward serve --config FILE} does, through the same settings, on a free
 * port of 127.0.0.1 and with a 2 s timeout.
 */
final class TestAgents {

    private TestAgents() {}

    static Agent start(Map<String, String> env, StewardConfig.TargetEntry... entries) {
        return start(env, Duration.ofMinutes(1), entries);
    }

    /** An agent whose doctor diagnoses each target every {@code doctorInterval}. */
    static Agent start(Map<String, String> env, Duration doctorInterval, StewardConfig.TargetEntry... entries) {
        return start(env, doctorInterval, "", entries);
    }

    /** @param moreYaml further sections of the config file ({@code web:}, {@code storage:}, ...) */
    static Agent start(
            Map<String, String> env, Duration doctorInterval, String moreYaml, StewardConfig.TargetEntry... entries) {
        return fromConfig(env, write(yaml(entries) + moreYaml), doctorInterval);
    }

    /** An agent configured by a config file, scheduled backups included. */
    static Agent fromConfig(Path file, Duration doctorInterval) {
        return fromConfig(Map.of(), file, doctorInterval);
    }

    static Agent fromConfig(Map<String, String> env, Path file, Duration doctorInterval, String... flags) {
        List<String> args = new ArrayList<>(List.of(
                "--config",
                file.toString(),
                "--web.listen-address",
                "127.0.0.1:0",
                "--timeout",
                "2s",
                "--doctor.interval",
                doctorInterval.toMillis() + "ms"));
        args.addAll(List.of(flags));
        ServeCommand serve = new ServeCommand(env);
        new CommandLine(serve).parseArgs(args.toArray(String[]::new));
        return Agent.start(serve.settings());
    }

    /** A target polled every 300 ms with a 2 s timeout. */
    static StewardConfig.TargetEntry entry(String name, String uri) {
        return new StewardConfig.TargetEntry(name, uri, null, null, null, "300ms", "2s", null, null);
    }

    static StewardConfig.TargetEntry entry(String name, String uri, String passwordEnv) {
        return new StewardConfig.TargetEntry(name, uri, null, null, passwordEnv, "300ms", "2s", null, null);
    }

    /** A cluster found from these seeds, its members polled every 300 ms with a 2 s timeout. */
    static StewardConfig.TargetEntry cluster(String name, String seedUri) {
        return new StewardConfig.TargetEntry(
                name, seedUri, null, true, null, null, null, null, null, null, "300ms", "2s", null, null);
    }

    static String base(Agent agent) {
        return "http://127.0.0.1:" + agent.port();
    }

    /** The {@code targets:} section that holds these entries. */
    static String yaml(StewardConfig.TargetEntry... entries) {
        StringBuilder yaml = new StringBuilder(entries.length == 0 ? "" : "targets:\n");
        for (StewardConfig.TargetEntry entry : entries) {
            yaml.append("  - uri: \"").append(entry.uri()).append("\"\n");
            key(yaml, "    ", "name", entry.name());
            if (entry.isCluster()) {
                yaml.append("    cluster: true\n");
            }
            if (!entry.seeds().isEmpty()) {
                yaml.append("    seeds: [\"")
                        .append(String.join("\", \"", entry.seeds()))
                        .append("\"]\n");
            }
            key(yaml, "    ", "username", entry.username());
            key(yaml, "    ", "password-file", entry.passwordFile());
            key(yaml, "    ", "password-env", entry.passwordEnv());
            key(yaml, "    ", "sentinel-username", entry.sentinelUsername());
            key(yaml, "    ", "sentinel-password-file", entry.sentinelPasswordFile());
            key(yaml, "    ", "sentinel-password-env", entry.sentinelPasswordEnv());
            key(yaml, "    ", "poll-interval", entry.pollInterval());
            key(yaml, "    ", "timeout", entry.timeout());
            if (entry.tls() != null) {
                yaml.append("    tls:\n");
                key(yaml, "      ", "ca-file", entry.tls().caFile());
                key(yaml, "      ", "cert-file", entry.tls().certFile());
                key(yaml, "      ", "key-file", entry.tls().keyFile());
            }
            if (entry.backup() != null) {
                yaml.append("    backup:\n");
                key(yaml, "      ", "schedule", entry.backup().schedule());
                key(yaml, "      ", "timeout", entry.backup().timeout());
            }
        }
        return yaml.toString();
    }

    private static void key(StringBuilder yaml, String indent, String key, String value) {
        if (value != null) {
            yaml.append(indent).append(key).append(": \"").append(value).append("\"\n");
        }
    }

    private static Path write(String yaml) {
        try {
            Path file = Files.createTempFile("steward-test-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, yaml);
            return file;
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
