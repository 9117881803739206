package io.steward.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import org.slf4j.Logger;

/**
 * How steward logs, set up in code rather than by a {@code logback.xml}: reading XML loads Logback's configuration
 * machinery and the JDK's XML parser, several hundred classes kept for the life of every process. Logs go to stderr
 * (stdout carries only a command's output, so {@code steward ... | jq} always works) at {@code STEWARD_LOG_LEVEL}
 * (a system property or the environment; INFO by default). A {@code -Dlogback.configurationFile} still wins: then
 * Logback reads that file as usual.
 *
 * <p>Logback finds this class through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
public final class Logging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

    /**
     * Libraries kept at WARN: at DEBUG, Lettuce logs whole replies (CONFIG GET, INFO) and the AWS SDK's HTTP client
     * request headers, signatures included; com.moilioncircle is the RDB reader of live restores.
     */
    static final List<String> QUIET = List.of(
            "io.lettuce",
            "io.netty",
            "reactor",
            "software.amazon.awssdk",
            "org.apache.hc",
            "org.quartz",
            "com.moilioncircle");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (String library : QUIET) {
            context.getLogger(library).setLevel(Level.WARN);
        }
        // The shared schedule's connection pool warns of every connection a database restart ended; the agent says
        // once that the database is away, and when it is back.
        context.getLogger("com.zaxxer.hikari").setLevel(Level.ERROR);
        DatabaseOutageFilter outages = new DatabaseOutageFilter();
        outages.setContext(context);
        outages.start();
        context.addTurboFilter(outages);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String level = System.getProperty("STEWARD_LOG_LEVEL");
        return level != null ? level : System.getenv("STEWARD_LOG_LEVEL");
    }
}
