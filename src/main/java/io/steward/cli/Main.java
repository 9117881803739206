package io.steward.cli;

import io.steward.backup.BackupException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code steward} command. */
@Command(
        name = "steward",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        description = "Watches, diagnoses and backs up Redis.",
        subcommands = {
            ServeCommand.class,
            DoctorCommand.class,
            BackupCommand.class,
            DashboardsCommand.class,
            VersionCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed",
            "2:usage or configuration error",
            "3:could not run (connect, auth, timeout, port in use)"
        })
public final class Main implements Runnable {

    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int COULD_NOT_RUN = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The JDK's HTTP server writes headers and body separately, so without TCP_NODELAY a kept-alive connection
        // (what Prometheus uses) waits about 40 ms on every scrape for Nagle's algorithm and delayed ACKs. The server
        // reads this property once, when the first server of the process is made, and offers no other way to set it:
        // it is set here, once, before any command runs.
        setUnlessGiven("sun.net.httpserver.nodelay", "true");
        // Netty and Lettuce each record Flight Recorder events when the JDK has it: that loads the recorder's
        // hundred-odd classes into every run, though the events are only seen by someone recording. A run that wants
        // them sets the properties to true.
        setUnlessGiven("io.netty.jfr.enabled", "false");
        setUnlessGiven("io.lettuce.core.jfr", "false");
        // Netty's pooling allocators keep megabytes of direct memory in chunks and per-thread caches; the agent reads
        // a few small replies per target and poll, for which allocating each buffer and freeing it after use costs
        // no measurable CPU even for a thousand targets.
        setUnlessGiven("io.netty.allocator.type", "unpooled");
        System.exit(commandLine(System.getenv()).execute(args));
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The command line with its error handling: a user's mistake is one line on stderr, never a stack trace. */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(env, () -> System.console() != null);
    }

    /** @param terminal whether stdout is a terminal, where reports may use colour */
    static CommandLine commandLine(Map<String, String> env, BooleanSupplier terminal) {
        CommandLine commandLine = new CommandLine(new Main(), new CommandFactory(env, terminal));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((failure, cmd, parseResult) -> {
            if (failure instanceof ConfigException) {
                cmd.getErr().println("steward: " + failure.getMessage());
                return USAGE;
            }
            if (failure instanceof OperationFailedException) {
                cmd.getErr().println("steward: " + failure.getMessage());
                return FAILED;
            }
            if (failure instanceof CouldNotRunException) {
                cmd.getErr().println("steward: " + failure.getMessage());
                return COULD_NOT_RUN;
            }
            if (failure instanceof BackupException backup) {
                cmd.getErr().println("steward: " + backup.getMessage());
                if (backup.reason().isConfiguration()) {
                    return USAGE;
                }
                return backup.reason().couldNotRun() ? COULD_NOT_RUN : FAILED;
            }
            throw failure;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * Hands the process environment to the commands that take it in their constructor (and the doctor whether it
     * writes to a terminal), so tests can give their own.
     */
    private record CommandFactory(Map<String, String> env, BooleanSupplier terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == DoctorCommand.class) {
                return type.cast(new DoctorCommand(env, terminal));
            }
            try {
                return type.cast(type.getDeclaredConstructor(Map.class).newInstance(env));
            } catch (NoSuchMethodException noEnvironment) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
