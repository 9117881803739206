package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class LoggingTest {

    private final LoggerContext context = new LoggerContext();

    private String line(Level level, String message, Throwable failure) {
        LoggingEvent event = new LoggingEvent(
                "ch.qos.logback.classic.Logger",
                context.getLogger("io.steward.cli.ServeCommand"),
                level,
                message,
                failure,
                new Object[] {"2 target(s)"});
        return new Logging.Line().doLayout(event);
    }

    @Test
    void aLogLineHasTheTimeThePaddedLevelTheClassAndTheMessage() {
        assertThat(line(Level.INFO, "polling {}", null))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  ServeCommand"
                        + " - polling 2 target\\(s\\)" + System.lineSeparator());
    }

    @Test
    void anExceptionsStackTraceFollowsItsLine() {
        String line = line(Level.WARN, "request failed", new IllegalStateException("boom"));
        assertThat(line.lines().toList().get(0)).endsWith(" WARN  ServeCommand - request failed");
        assertThat(line.lines().toList().get(1)).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(line).contains("\tat io.steward.cli.LoggingTest");
    }
}
