package io.steward.cli;

import io.steward.collector.Target;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts agents for tests the way {@code steward serve} does, from config entries, on a free port. */
final class TestAgents {

    static final StewardConfig.Tls NO_TLS = new StewardConfig.Tls(null, null, null);

    private TestAgents() {}

    static Agent start(Map<String, String> env, StewardConfig.TargetEntry... entries) {
        return start(env, Duration.ofMinutes(1), entries);
    }

    /** An agent whose doctor diagnoses each target every {@code doctorInterval}. */
    static Agent start(Map<String, String> env, Duration doctorInterval, StewardConfig.TargetEntry... entries) {
        TargetFactory factory = new TargetFactory(env, Duration.ofSeconds(2));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            targets.add(factory.fromEntry(entries[i], i));
        }
        return Agent.start(
                targets,
                new InetSocketAddress("127.0.0.1", 0),
                Duration.ofSeconds(2),
                uri -> factory.fromUri(uri, "target", Credentials.NONE, NO_TLS, Duration.ofSeconds(15), true),
                doctorInterval,
                null);
    }

    /** An agent configured by a config file, scheduled backups included, as {@code serve --config} would start it. */
    static Agent fromConfig(java.nio.file.Path file, Duration doctorInterval) {
        return fromConfig(Map.of(), file, doctorInterval);
    }

    /** The same, with the variables the config names (S3 keys, passwords) taken from {@code env}. */
    static Agent fromConfig(Map<String, String> env, java.nio.file.Path file, Duration doctorInterval) {
        StewardConfig config = new ConfigLoader().load(file);
        TargetFactory factory = new TargetFactory(env, Duration.ofSeconds(2));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < config.targets().size(); i++) {
            targets.add(factory.fromEntry(config.targets().get(i), i));
        }
        return Agent.start(
                targets,
                new InetSocketAddress("127.0.0.1", 0),
                Duration.ofSeconds(2),
                uri -> factory.fromUri(uri, "target", Credentials.NONE, NO_TLS, Duration.ofSeconds(15), true),
                doctorInterval,
                BackupSettings.of(config, env, null, targets));
    }

    /** A target polled every 300 ms with a 2 s timeout. */
    static StewardConfig.TargetEntry entry(String name, String uri) {
        return new StewardConfig.TargetEntry(name, uri, null, null, null, "300ms", "2s", null, null);
    }

    static StewardConfig.TargetEntry entry(String name, String uri, String passwordEnv) {
        return new StewardConfig.TargetEntry(name, uri, null, null, passwordEnv, "300ms", "2s", null, null);
    }

    static String base(Agent agent) {
        return "http://127.0.0.1:" + agent.port();
    }
}
