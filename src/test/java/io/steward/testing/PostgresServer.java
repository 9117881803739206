package io.steward.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, to stop and start at will: a cluster made by {@code initdb} in a temp dir,
 * listening on 127.0.0.1 on a free port, its superuser {@code postgres} logging in with a password (SCRAM). Run as root,
 * the server runs as the {@code postgres} user, as PostgreSQL requires.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String PASSWORD = "pg-secret-for-tests";

    private final Path dir;
    private final Path bin;
    private final int port;
    private boolean running;

    private PostgresServer(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    /** initdb, then start. */
    public static PostgresServer start() {
        return create(FreePort.find(), true);
    }

    /** initdb only, for a test that starts it later on a port chosen now. */
    public static PostgresServer created() {
        return create(FreePort.find(), false);
    }

    private static PostgresServer create(int port, boolean start) {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("steward-pg-");
            Path data = dir.resolve("data");
            Path passwordFile = dir.resolve("pw");
            Files.writeString(passwordFile, PASSWORD + "\n");
            PostgresServer server = new PostgresServer(dir, bin, port);
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
                run(List.of("chmod", "755", dir.toString()));
            }
            server.asPostgres(List.of(
                    bin.resolve("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "--auth=scram-sha-256",
                    "--pwfile=" + passwordFile,
                    "--no-sync"));
            if (start) {
                server.resume();
            }
            return server;
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    public int port() {
        return port;
    }

    /** Starts the server (again), and waits until it accepts connections. */
    public synchronized void resume() {
        asPostgres(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-l",
                dir.resolve("server.log").toString(),
                "-w",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"));
        running = true;
    }

    /** Stops it the way an operator does ({@code pg_ctl stop -m fast}): sessions end, new ones are refused. */
    public synchronized void stop() {
        if (running) {
            asPostgres(List.of(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-m",
                    "fast",
                    "-w",
                    "stop"));
            running = false;
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir
        }
    }

    private void asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest PostgreSQL's programs Debian installed. */
    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(bin ->
                            Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException missing) {
            throw new IllegalStateException(
                    "no PostgreSQL server programs under " + root + ": install Debian's postgresql (.ci/run does)",
                    missing);
        }
    }
}
