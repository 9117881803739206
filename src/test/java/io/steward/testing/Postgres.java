package io.steward.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database of its own on a real PostgreSQL (the machine's, 127.0.0.1:5432 with trust authentication, which .ci/run
 * installs and starts where it is missing; or a {@link PostgresServer} of the test's), dropped at close.
 */
public final class Postgres implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int MACHINE_PORT = 5432;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String name;

    private Postgres(String host, int port, String user, String password, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /** A new database on the machine's PostgreSQL. */
    public static Postgres database() {
        return on(HOST, MACHINE_PORT, "postgres", "");
    }

    /** A new database on that server, made by that user. */
    public static Postgres on(String host, int port, String user, String password) {
        String name =
                "steward_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Postgres database = new Postgres(host, port, user, password, name);
        try (Connection admin = database.connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException failure) {
            throw new IllegalStateException(
                    "PostgreSQL on " + host + ":" + port + " cannot be used (" + failure.getMessage()
                            + "): the tests need a running PostgreSQL; .ci/run installs and starts Debian's postgresql",
                    failure);
        }
        return database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    public String name() {
        return name;
    }

    public void execute(String sql) {
        try (Connection connection = connect(name);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException failure) {
            throw new IllegalStateException(sql + ": " + failure.getMessage(), failure);
        }
    }

    /** The first column of every row. */
    public List<String> column(String sql) {
        try (Connection connection = connect(name);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException failure) {
            throw new IllegalStateException(sql + ": " + failure.getMessage(), failure);
        }
    }

    /** Tables of the database's public schema, lower case, sorted. */
    public List<String> tables() {
        return column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                + " ORDER BY table_name");
    }

    public Connection connect(String database) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
    }

    @Override
    public void close() {
        try (Connection admin = connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException failure) {
            // the server may be gone already (a test stopped it); a private server's data goes with its directory
        }
    }
}
