package io.steward.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Marker;

/**
 * While the shared schedule's database is down or restarting, Quartz's job store logs an error with a stack trace
 * every few seconds from several threads. The agent says it once in its own words (the database, why, what waits), so
 * those repeats are dropped; any other error of Quartz's still shows.
 */
final class DatabaseOutageFilter extends TurboFilter {

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable failure) {
        if (!logger.getName().startsWith("org.quartz") || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        // Quartz passes the exception as the last argument of a message with placeholders.
        Throwable thrown = failure;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t) {
            thrown = t;
        }
        return lostConnection(thrown) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /**
     * A connection refused, timed out or ended by the server (SQL states 08: connection, 57P: shutdown), or one the
     * pool had already closed for that reason (Quartz then fails to roll it back).
     */
    private static boolean lostConnection(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof ConnectException) {
                return true;
            }
            StackTraceElement[] where = cause.getStackTrace();
            if (cause instanceof SQLException
                    && where.length > 0
                    && where[0].getClassName().startsWith("com.zaxxer.hikari.pool.ProxyConnection")) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }
}
