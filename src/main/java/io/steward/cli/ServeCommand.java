package io.steward.cli;

import io.steward.collector.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
            description =
                    "Where to serve HTTP (env STEWARD_WEB_LISTEN_ADDRESS; default " + Settings.DEFAULT_LISTEN + ").")
    String listenAddress;

    @Option(
            names = "--web.config.file",
            paramLabel = "FILE",
            description = "TLS, basic auth users and headers of the web server, in the Prometheus exporters' web"
                    + " config format (env STEWARD_WEB_CONFIG_FILE, config web.config-file); read again when it"
                    + " or a file it names changes.")
    String webConfigFile;

    @Option(
            names = "--web.scrape-allow",
            paramLabel = "PATTERN",
            description = "A host:port pattern (* matches anything) that /scrape may poll besides the configured"
                    + " targets, repeatable; replaces web.scrape-allow of the config. Such hosts get no password"
                    + " unless web.scrape-password-file gives one.")
    List<String> scrapeAllow = new ArrayList<>();

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
                            + " default " + Settings.DEFAULT_DOCTOR_INTERVAL + ").")
    String doctorInterval;

    @Option(
            names = "--heap-needed",
            hidden = true,
            description = "Print the heap the configured targets need, as -Xmx takes it, and exit (for bin/steward).")
    boolean heapNeeded;

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    /** Runs until SIGTERM or SIGINT, then stops in order and exits 0. */
    @Override
    public Integer call() throws InterruptedException {
        AgentSettings settings = settings();
        HeapNeed need = HeapNeed.of(settings.targets());
        if (heapNeeded) {
            System.out.println(need.asJvmSize());
            return 0;
        }
        // Not a static field: picocli makes every command to run any one of them, even `--help`, and the first
        // logger starts the logging, which costs a command that logs nothing a twentieth of a second.
        Logger logger = LoggerFactory.getLogger(ServeCommand.class);
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        if (heapMb < need.megabytes() * 9 / 10) {
            logger.warn(
                    "{} polled server(s) need about {} MB of heap and this JVM may use {} MB: it may run out of"
                            + " memory (bin/steward sizes the heap for the config; else give -Xmx{} or more)",
                    need.polled(),
                    need.megabytes(),
                    heapMb,
                    need.asJvmSize());
        }
        try (StopSignals signals = StopSignals.install()) {
            Agent agent = Agent.start(settings);
            logger.info("polling {} target(s): {}", settings.targets().size(), listed(settings.targets()));
            logger.info("steward stopping on {}", signals.await());
            agent.close();
        }
        logger.info("steward stopped");
        return 0;
    }

    /** Flags, then environment, then the config file, then defaults. */
    AgentSettings settings() {
        Settings settings = Settings.load(env, config);
        Duration commandTimeout = Durations.parse(timeout, "--timeout");
        UriTargets uris =
                settings.uriTargets(connection, Durations.parse(pollInterval, "--poll-interval"), commandTimeout);
        List<Target> configured = settings.configuredTargets(commandTimeout);
        BackupSettings backups = settings.backups(null, null, configured);
        List<Target> targets = new ArrayList<>(configured);
        for (String uri : redis) {
            targets.add(uris.target(uri, "--redis"));
        }
        List<Target> all = Settings.distinct(Settings.orDefault(targets, uris));
        return new AgentSettings(
                all,
                settings.listenAddress(listenAddress),
                commandTimeout,
                settings.doctorInterval(doctorInterval),
                backups,
                settings.scrapePolicy(scrapeAllow, all, commandTimeout),
                settings.webConfig(webConfigFile));
    }

    /** The first {@value #LISTED} targets, and how many more: a fleet's list would be one line of many kilobytes. */
    static String listed(List<?> targets) {
        String first = targets.stream().limit(LISTED).map(String::valueOf).collect(Collectors.joining(", "));
        return targets.size() <= LISTED
                ? "[" + first + "]"
                : "[" + first + ", and " + (targets.size() - LISTED) + " more]";
    }

    private static final int LISTED = 10;
}
