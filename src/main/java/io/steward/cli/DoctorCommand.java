package io.steward.cli;

import io.steward.collector.DaemonThreads;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.diagnostics.Diagnosis;
import io.steward.diagnostics.Doctor;
import io.steward.diagnostics.DoctorException;
import io.steward.diagnostics.DoctorReport;
import io.steward.diagnostics.GroupDiagnosis;
import io.steward.diagnostics.GroupRules;
import io.steward.diagnostics.JsonReport;
import io.steward.diagnostics.MarkdownReport;
import io.steward.diagnostics.Rules;
import io.steward.diagnostics.Severity;
import io.steward.diagnostics.TextReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Diagnose Redis: memory, persistence and fork, replication, latency, clients, security and"
                    + " configuration, with the numbers behind each finding and the change that fixes it.",
            "Read-only. Targets come from URI arguments or --config (all its targets, or those named by --target);"
                    + " with neither, redis://localhost:6379.",
            "A Sentinel group (redis-sentinel://h1:26379,h2:26379#mymaster) or a cluster (--cluster with a seed) is"
                    + " examined whole: every member, and the group's own findings (failover readiness, settings"
                    + " that differ from the primary's, placement). A replica given alone is compared with its primary."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no finding at or above --fail-on",
            "1:findings at or above --fail-on",
            "2:usage or configuration error",
            "3:could not read a server, or no member of a group (connect, auth, timeout)"
        })
final class DoctorCommand implements Callable<Integer> {

    enum Format {
        TEXT,
        MARKDOWN,
        JSON
    }

    private final Map<String, String> env;
    private final BooleanSupplier terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            paramLabel = "URI",
            arity = "0..*",
            description =
                    "Servers to examine: redis://host:port, rediss:// for TLS, redis-sentinel://h1:26379,...#master"
                            + " for a Sentinel group.")
    List<String> uris = new ArrayList<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration file (env" + " STEWARD_CONFIG when no URI is given).")
    Path config;

    @Option(
            names = "--target",
            paramLabel = "NAME",
            description = "A target of the config file to" + " examine, repeatable (default: all).")
    List<String> targetNames = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text, markdown or json (default ${DEFAULT-VALUE}).")
    String output;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            defaultValue = "critical",
            description = "Exit 1 when a finding is at least this severe: info, warning or critical"
                    + " (default ${DEFAULT-VALUE}).")
    String failOn;

    @Option(
            names = "--sample-seconds",
            paramLabel = "N",
            defaultValue = "5",
            description = "Seconds between the two INFO samples that give rates (default"
                    + " ${DEFAULT-VALUE}; 0: one sample, no rates).")
    int sampleSeconds;

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "Connect and command timeout (default ${DEFAULT-VALUE}).")
    String timeout;

    DoctorCommand(Map<String, String> env, BooleanSupplier terminal) {
        this.env = env;
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws InterruptedException {
        Format format = format();
        Severity threshold = threshold();
        if (sampleSeconds < 0 || sampleSeconds > 3600) {
            throw new ConfigException("--sample-seconds: " + sampleSeconds + " is out of range (0 to 3600)");
        }
        Duration commandTimeout = Durations.parse(timeout, "--timeout");
        List<Target> targets = targets(commandTimeout);
        List<DoctorReport> reports = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> mistakes = new ArrayList<>();
        try (RedisConnector connector = new RedisConnector(commandTimeout)) {
            Diagnosis diagnosis = new Diagnosis(Rules.standard());
            Examiner examiner = new Examiner(
                    new Doctor(Doctor.SLEEP, diagnosis, CgroupMemory.ofThisMachine()),
                    diagnosis,
                    new GroupDiagnosis(GroupRules.standard(), diagnosis),
                    connector,
                    Duration.ofSeconds(sampleSeconds),
                    Clock.systemUTC());
            examineAll(examiner, targets, reports, unreadable, mistakes);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!reports.isEmpty()) {
            out.print(render(format, reports));
            out.flush();
        }
        mistakes.forEach(message -> spec.commandLine().getErr().println("steward: " + message));
        unreadable.forEach(message -> spec.commandLine().getErr().println("steward: " + message));
        if (!mistakes.isEmpty()) {
            return Main.USAGE;
        }
        if (!unreadable.isEmpty()) {
            return Main.COULD_NOT_RUN;
        }
        return reports.stream().anyMatch(r -> r.hasAtLeast(threshold)) ? Main.FAILED : 0;
    }

    /**
     * Several targets are examined at once, so the run takes one sample window, not one per target.
     *
     * @param unreadable what could not be read (exit 3)
     * @param mistakes groups whose members answer but do not describe them, as configured (exit 2)
     */
    private static void examineAll(
            Examiner examiner,
            List<Target> targets,
            List<DoctorReport> reports,
            List<String> unreadable,
            List<String> mistakes)
            throws InterruptedException {
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.min(8, targets.size()), DaemonThreads.named("steward-doctor"));
        try {
            List<Future<DoctorReport>> pending = new ArrayList<>();
            for (Target target : targets) {
                pending.add(pool.submit(() -> examiner.examine(target)));
            }
            for (Future<DoctorReport> future : pending) {
                try {
                    reports.add(future.get());
                } catch (ExecutionException failed) {
                    if (failed.getCause() instanceof DoctorException cannotRead) {
                        unreadable.add(cannotRead.getMessage());
                    } else if (failed.getCause() instanceof ConfigException mistake) {
                        mistakes.add(mistake.getMessage());
                    } else {
                        throw new IllegalStateException(failed.getCause());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private String render(Format format, List<DoctorReport> reports) {
        return switch (format) {
            case JSON -> new JsonReport().render(reports);
            case MARKDOWN ->
                String.join(
                        "\n", reports.stream().map(new MarkdownReport()::render).toList());
            case TEXT -> {
                TextReport text = new TextReport(colour());
                yield String.join("\n", reports.stream().map(text::render).toList());
            }
        };
    }

    /** Colour on a terminal only, and never with NO_COLOR (https://no-color.org) or TERM=dumb. */
    private boolean colour() {
        return terminal.getAsBoolean() && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }

    private Format format() {
        try {
            return Format.valueOf(output.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new ConfigException("--output: '" + output + "' is not a format (use text, markdown or json)");
        }
    }

    private Severity threshold() {
        try {
            return Severity.parse(failOn);
        } catch (IllegalArgumentException unknown) {
            throw new ConfigException("--fail-on: " + unknown.getMessage());
        }
    }

    /** URI arguments, then the config file's targets (all, or those named); with neither, the local default. */
    List<Target> targets(Duration commandTimeout) {
        Settings settings = Settings.load(env, config, uris.isEmpty());
        UriTargets how = settings.uriTargets(connection, Target.DEFAULT_POLL_INTERVAL, commandTimeout);
        List<Target> configured = settings.configuredTargets(commandTimeout);
        List<Target> chosen = settings.named(targetNames, configured);
        List<Target> targets = new ArrayList<>();
        for (String uri : uris) {
            targets.add(how.target(uri, "URI"));
        }
        if (settings.file().exists()) {
            if (configured.isEmpty()) {
                throw new ConfigException(
                        settings.file().name() + ": no targets to examine (add targets: or give a URI)");
            }
            targets.addAll(targetNames.isEmpty() ? configured : chosen);
        }
        return Settings.distinct(Settings.orDefault(targets, how));
    }
}
