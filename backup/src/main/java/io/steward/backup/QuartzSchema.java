package io.steward.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables of Quartz's JDBC job store under one prefix, created by the agent when none exist and never dropped or
 * altered. They are Quartz's own PostgreSQL script's, its {@code DROP TABLE} statements left out, and a table of the
 * agent's ({@code <prefix>steward_schema}) records the schema's version, so a later release can migrate it. Tables
 * under the prefix without that record belong to another program: the agent refuses to touch them.
 */
final class QuartzSchema {

    /** The version these tables are at; a later release that changes them raises it and migrates. */
    static final int VERSION = 1;

    private static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final List<String> QUARTZ_TABLES = List.of(
            "job_details",
            "triggers",
            "simple_triggers",
            "cron_triggers",
            "simprop_triggers",
            "blob_triggers",
            "calendars",
            "paused_trigger_grps",
            "fired_triggers",
            "scheduler_state",
            "locks");

    private final String prefix;

    QuartzSchema(String prefix) {
        this.prefix = prefix.toLowerCase(Locale.ROOT);
    }

    String versionTable() {
        return prefix + "steward_schema";
    }

    /**
     * Creates the tables if none under the prefix exist, else checks they are the agent's and complete. Agents that
     * start together take turns (a transaction-scoped advisory lock), so only one creates them.
     */
    void prepare(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, AdvisoryKeys.of("schema " + prefix));
            lock.execute();
        }
        Set<String> present = tablesUnderPrefix(connection);
        if (present.contains(versionTable())) {
            check(connection, present);
            connection.commit();
            return;
        }
        if (!present.isEmpty()) {
            connection.rollback();
            throw new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.FOREIGN_SCHEMA,
                    "tables with the prefix " + prefix + " exist that redis-steward did not create ("
                            + String.join(", ", present) + "): give scheduler.jdbc.table-prefix a prefix of its own;"
                            + " nothing was changed");
        }
        try (Statement statement = connection.createStatement()) {
            for (String create : createStatements()) {
                statement.execute(create);
            }
            statement.execute("CREATE TABLE " + versionTable()
                    + " (version INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " created_by VARCHAR(80) NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + versionTable() + " (version, created_by) VALUES (?, 'redis-steward')")) {
            insert.setInt(1, VERSION);
            insert.execute();
        }
        connection.commit();
    }

    private void check(Connection connection, Set<String> present) throws SQLException {
        int version;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT max(version) FROM " + versionTable())) {
            rows.next();
            version = rows.getInt(1);
        }
        if (version > VERSION) {
            connection.rollback();
            throw new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.FOREIGN_SCHEMA,
                    "the schedule's tables (prefix " + prefix + ") are at version " + version
                            + ", newer than this agent's " + VERSION + ": run the newer redis-steward here too");
        }
        List<String> missing = new ArrayList<>();
        for (String table : QUARTZ_TABLES) {
            if (!present.contains(prefix + table)) {
                missing.add(prefix + table);
            }
        }
        if (!missing.isEmpty()) {
            connection.rollback();
            throw new ScheduleDatabaseException(
                    ScheduleDatabaseException.Kind.FOREIGN_SCHEMA,
                    "the schedule's tables (prefix " + prefix + ") lack " + String.join(", ", missing)
                            + ": they were changed by hand; restore them or give scheduler.jdbc.table-prefix a new"
                            + " prefix; nothing was changed");
        }
    }

    /** Tables and views of the current schema whose names start with the prefix, lower case. */
    private Set<String> tablesUnderPrefix(Connection connection) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (PreparedStatement query =
                connection.prepareStatement("SELECT lower(table_name) FROM information_schema.tables"
                        + " WHERE table_schema = current_schema() AND left(lower(table_name), ?) = ?")) {
            query.setInt(1, prefix.length());
            query.setString(2, prefix);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    /** Quartz's script for PostgreSQL, as the Quartz on the class path ships it: its CREATE statements only. */
    List<String> createStatements() {
        String script;
        try (InputStream in = QuartzSchema.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("Quartz's " + SCRIPT + " is not on the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
        StringBuilder withoutComments = new StringBuilder();
        script.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .forEach(line -> withoutComments.append(line).append('\n'));
        List<String> creates = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            String sql = statement.strip();
            if (sql.toUpperCase(Locale.ROOT).startsWith("CREATE ")) {
                creates.add(sql.replace("QRTZ_", prefix));
            }
        }
        return creates;
    }
}
