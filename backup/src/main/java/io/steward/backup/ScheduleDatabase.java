package io.steward.backup;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The PostgreSQL database that holds a shared schedule: a small HikariCP pool for Quartz's job store, and dedicated
 * sessions for the per-server backup locks (a lock lives exactly as long as its session, so an agent that dies
 * releases its locks with its connection).
 */
public final class ScheduleDatabase implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ScheduleStore.Jdbc store;
    private final int connections;
    private HikariDataSource pool;
    private boolean closed;

    private ScheduleDatabase(ScheduleStore.Jdbc store, int connections) {
        this.store = store;
        this.connections = connections;
    }

    /**
     * The database, its pool made when first used (a command that only takes a backup lock needs none), connecting
     * when asked, so a database that is down now does not stop the agent from starting.
     *
     * @param connections at most this many pooled sessions (Quartz's threads and its cluster housekeeping)
     */
    public static ScheduleDatabase open(ScheduleStore.Jdbc store, int connections) {
        return new ScheduleDatabase(store, connections);
    }

    private static HikariDataSource pooled(ScheduleStore.Jdbc store, int connections) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("steward-schedule");
        config.setJdbcUrl(store.url());
        if (!store.username().isEmpty()) {
            config.setUsername(store.username());
        }
        if (!store.password().isEmpty()) {
            config.setPassword(store.password());
        }
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(false);
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("ApplicationName", "redis-steward");
        return new HikariDataSource(config);
    }

    public ScheduleStore.Jdbc store() {
        return store;
    }

    /** The pool Quartz's job store takes its connections from. */
    synchronized DataSource pool() {
        if (closed) {
            throw new IllegalStateException("the schedule database's pool is closed");
        }
        if (pool == null) {
            pool = pooled(store, connections);
        }
        return pool;
    }

    /** A session of its own, outside the pool, for a lock that must end with it. */
    Connection dedicatedSession() throws SQLException {
        Properties properties = new Properties();
        if (!store.username().isEmpty()) {
            properties.setProperty("user", store.username());
        }
        if (!store.password().isEmpty()) {
            properties.setProperty("password", store.password());
        }
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("ApplicationName", "redis-steward backup lock");
        return DriverManager.getConnection(store.url(), properties);
    }

    /** Creates the schedule's tables when they are missing; checks them when present. */
    public void prepareSchema() {
        try (Connection connection = pool().getConnection()) {
            new QuartzSchema(store.tablePrefix()).prepare(connection);
        } catch (SQLException failure) {
            throw failure(failure);
        }
    }

    /** How many agents checked in to the schedule within {@code within}, this one included. */
    int members(String scheduleName, Duration within) {
        String sql = "SELECT count(*) FROM " + store.tablePrefix()
                + "SCHEDULER_STATE WHERE SCHED_NAME = ? AND LAST_CHECKIN_TIME >= ?";
        try (Connection connection = pool().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, scheduleName);
            statement.setLong(2, System.currentTimeMillis() - within.toMillis());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                int count = rows.getInt(1);
                connection.commit();
                return count;
            }
        } catch (SQLException failure) {
            throw failure(failure);
        }
    }

    /** What went wrong with the database, said for an operator: which database, and what to do. */
    ScheduleDatabaseException failure(SQLException failure) {
        String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        String detail = rootMessage(failure);
        if (state.startsWith("28")) {
            return new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.REFUSED,
                    "the schedule database " + store.where() + " refused the login (" + detail
                            + "): check scheduler.jdbc.username and its password-file or password-env");
        }
        if (state.equals("3D000")) {
            return new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.REFUSED,
                    "the schedule database " + store.where() + " does not exist (" + detail
                            + "): create it (createdb) or correct scheduler.jdbc.url");
        }
        if (state.equals("42501")) {
            return new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.REFUSED,
                    "the schedule database " + store.where() + " refused an operation (" + detail
                            + "): the user needs to create and use tables in its schema");
        }
        return new ScheduleDatabaseException(
                ScheduleDatabaseException.Kind.UNREACHABLE,
                "the schedule database " + store.where() + " cannot be reached: " + detail);
    }

    /** The driver's own words (its first line, without PostgreSQL's severity), else the deepest cause's. */
    private static String rootMessage(Throwable failure) {
        Throwable chosen = failure;
        for (Throwable each = failure; each != null; each = each.getCause() == each ? null : each.getCause()) {
            chosen = each;
            if (each instanceof org.postgresql.util.PSQLException) {
                break;
            }
        }
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName() : chosen.getMessage();
        String line = message.lines().findFirst().orElse(message).strip();
        return line.startsWith("FATAL: ") ? line.substring("FATAL: ".length()) : line;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }
}
