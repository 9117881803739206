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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Poll Redis targets and serve their metrics for Prometheus.",
            "Targets come from --config and --redis; with neither, redis://localhost:6379."
        })
final class ServeCommand implements Callable<Integer> {

    private static final Logger logger = LoggerFactory.getLogger(ServeCommand.class);
    static final String DEFAULT_LISTEN = ":9739";
    static final String DEFAULT_TARGET = "redis://localhost:6379";
    static final String DEFAULT_DOCTOR_INTERVAL = "1m";

    private final Map<String, String> env;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (env STEWARD_CONFIG).")
    Path config;

    @Option(
            names = "--redis",
            paramLabel = "URI",
            description = "A target to poll, repeatable: redis://host:port, rediss:// for TLS.")
    List<String> redis = new ArrayList<>();

    @Option(
            names = "--web.listen-address",
            paramLabel = "HOST:PORT",
            description = "Where to serve HTTP (env STEWARD_WEB_LISTEN_ADDRESS; default " + DEFAULT_LISTEN + ").")
    String listenAddress;

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = "--poll-interval",
            paramLabel = "DURATION",
            defaultValue = "15s",
            description = "Poll interval for --redis targets (default ${DEFAULT-VALUE}).")
    String pollInterval;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "Connect and command timeout (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
            names = "--doctor.interval",
            paramLabel = "DURATION",
            description =
                    "How often the doctor diagnoses each target (env STEWARD_DOCTOR_INTERVAL, config doctor.interval;"
                            + " default " + DEFAULT_DOCTOR_INTERVAL + ").")
    String doctorInterval;

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = settings();
        CountDownLatch stopped = new CountDownLatch(1);
        Agent agent = Agent.start(
                settings.targets(),
                settings.listen(),
                settings.timeout(),
                settings.onDemand()::apply,
                settings.doctorInterval(),
                settings.backups());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            agent.close();
                            stopped.countDown();
                        },
                        "steward-shutdown"));
        logger.info("polling {} target(s): {}", settings.targets().size(), settings.targets());
        stopped.await();
        return 0;
    }

    record Settings(
            List<Target> targets,
            InetSocketAddress listen,
            Duration timeout,
            java.util.function.Function<String, Target> onDemand,
            Duration doctorInterval,
            BackupSettings backups) {}

    /** Flags, then environment, then the config file, then defaults. */
    Settings settings() {
        Path configFile = config != null ? config : pathFromEnv("STEWARD_CONFIG");
        StewardConfig file = configFile == null ? StewardConfig.empty() : new ConfigLoader().load(configFile);
        Duration commandTimeout = Durations.parse(timeout, "--timeout");
        Duration interval = Durations.parse(pollInterval, "--poll-interval");
        TargetFactory factory = new TargetFactory(env, commandTimeout);
        Credentials flagCredentials = connection.credentials(env);
        StewardConfig.Tls flagTls = connection.tls();

        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < file.targets().size(); i++) {
            targets.add(factory.fromEntry(file.targets().get(i), i));
        }
        BackupSettings backups = BackupSettings.of(file, env, null, List.copyOf(targets));
        for (String uri : redis) {
            targets.add(factory.fromUri(uri, "--redis", flagCredentials, flagTls, interval, false));
        }
        if (targets.isEmpty()) {
            targets.add(factory.fromUri(DEFAULT_TARGET, "default target", flagCredentials, flagTls, interval, false));
        }
        Set<String> names = new HashSet<>();
        for (Target target : targets) {
            if (!names.add(target.name())) {
                throw new ConfigException("two targets are named '" + target.name() + "': give each a distinct name");
            }
        }
        String listen = firstOf(
                listenAddress, env.get("STEWARD_WEB_LISTEN_ADDRESS"), file.web().listenAddress(), DEFAULT_LISTEN);
        return new Settings(
                List.copyOf(targets),
                ListenAddress.parse(listen, "--web.listen-address"),
                commandTimeout,
                uri -> factory.fromUri(uri, "target", flagCredentials, flagTls, interval, true),
                doctorInterval(file),
                backups);
    }

    /** The doctor's interval; an error names where the bad value came from. */
    private Duration doctorInterval(StewardConfig file) {
        if (doctorInterval != null) {
            return Durations.parse(doctorInterval, "--doctor.interval");
        }
        String fromEnv = env.get("STEWARD_DOCTOR_INTERVAL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Durations.parse(fromEnv, "STEWARD_DOCTOR_INTERVAL");
        }
        return Durations.parse(
                firstOf(file.doctor().interval(), null, null, DEFAULT_DOCTOR_INTERVAL), "doctor.interval");
    }

    private Path pathFromEnv(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    private static String firstOf(String flag, String environment, String file, String fallback) {
        for (String value : new String[] {flag, environment, file}) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return fallback;
    }
}
