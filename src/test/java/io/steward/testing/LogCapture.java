package io.steward.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures everything logged while it is open, to check what reaches an operator's log. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** Every message with its arguments filled in, and the message of any attached exception chain. */
    public synchronized List<String> lines() {
        return List.copyOf(appender.list).stream()
                .map(event -> {
                    StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getFormattedMessage());
                    for (var proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
                        line.append(" | ")
                                .append(proxy.getClassName())
                                .append(": ")
                                .append(proxy.getMessage());
                    }
                    return line.toString();
                })
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
