package io.steward.backup;

import io.steward.collector.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The backup lock of agents that share a schedule, wherever they run: a PostgreSQL session-level advisory lock for
 * each name of the server, held on a session of its own for the whole backup. An agent that dies loses its session and
 * with it its locks, so no lock outlives its backup.
 */
public final class DatabaseBackupLock implements BackupLock {

    private final ScheduleDatabase database;

    public DatabaseBackupLock(ScheduleDatabase database) {
        this.database = database;
    }

    private record Session(Connection connection) implements Held {
        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the locks end with the session either way
            }
        }
    }

    @Override
    public Held hold(Target target, String runId) {
        Connection connection;
        try {
            connection = database.dedicatedSession();
        } catch (SQLException failure) {
            throw new BackupException(
                    BackupFailure.LOCK_UNAVAILABLE,
                    "cannot take the backup lock of " + target.address() + ": "
                            + database.failure(failure).getMessage(),
                    null);
        }
        Session session = new Session(connection);
        try {
            List<String> names = BackupLock.names(target, runId);
            for (String name : names) {
                if (!tryLock(connection, name)) {
                    session.close();
                    throw new BackupException(
                            BackupFailure.BUSY,
                            "a backup of " + target.address() + " is already running (agents sharing "
                                    + database.store().where() + " hold its lock); this one was not started");
                }
            }
            return session;
        } catch (SQLException failure) {
            session.close();
            throw new BackupException(
                    BackupFailure.LOCK_UNAVAILABLE,
                    "cannot take the backup lock of " + target.address() + ": "
                            + database.failure(failure).getMessage(),
                    null);
        }
    }

    private boolean tryLock(Connection connection, String name) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, AdvisoryKeys.of("backup " + database.store().tablePrefix() + " " + name));
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }
}
