package io.steward.backup;

import io.steward.collector.Keyspace;
import io.steward.collector.RedisCommandFailure;
import io.steward.collector.ScratchServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an RDB into a redis-server of its own for a drill: started on {@code dir/dump.rdb}, on a free loopback port,
 * with no config file and nothing persisted ({@code --save "" --appendonly no}), asked through the collector until it
 * has loaded, then stopped. However loading ends, the process is stopped, and killed if it will not stop.
 */
final class ScratchRedis {

    private static final Logger logger = LoggerFactory.getLogger(ScratchRedis.class);

    static final String HOST = "127.0.0.1";

    /** How long a server may take to listen once started; loading comes after. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long loading may take: a large RDB loads at a few hundred MB a second. */
    private static final Duration LOAD_TIMEOUT = Duration.ofHours(1);
    /** A loading server answers between chunks of the RDB; a large value can keep it busy a while. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final int PORT_ATTEMPTS = 3;
    private static final Pattern VERSION = Pattern.compile("v=(\\S+)");
    /** A line of the Redis log: {@code pid:role date time level message}, the level {@code #} for warnings. */
    private static final Pattern WARNING = Pattern.compile("^\\d+:[A-Z] .*?\\d\\d:\\d\\d:\\d\\d\\.\\d+ # (.*)$");

    /** What the server held once it had loaded, and when it was asked (Unix millis). */
    record Loaded(String version, Keyspace keyspace, long askedAtMillis) {}

    private final ScratchServer.Opener opener;
    private final Clock clock;

    ScratchRedis(ScratchServer.Opener opener, Clock clock) {
        this.opener = opener;
        this.clock = clock;
    }

    /** The port a server chose was taken by another process before it bound it: try another. */
    private static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /**
     * @param databases how many databases the server must have: the RDB's highest plus one, at least 16
     * @param what names the RDB in messages ({@code backup <id>}, {@code shard-1 of backup set <id>})
     * @throws DrillFailed {@link DrillFailure#LOAD} when it would not start or refused the RDB
     */
    Loaded load(Path binary, Path dir, int databases, String what, int rdbVersion) {
        String version = version(binary);
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Process process = start(binary, dir, port, databases, version);
            logger.info(
                    "restore drill: redis-server {} started on {}:{} (pid {}) to load {}",
                    version,
                    HOST,
                    port,
                    process.pid(),
                    what);
            try {
                return await(process, port, dir, what, rdbVersion, binary, version);
            } catch (PortTaken taken) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new DrillFailed(
                            DrillFailure.LOAD,
                            "redis-server found no free port on " + HOST + " in " + PORT_ATTEMPTS + " attempts");
                }
            } finally {
                stop(process);
            }
        }
    }

    private Process start(Path binary, Path dir, int port, int databases, String version) {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--bind",
                HOST,
                "--port",
                String.valueOf(port),
                "--dir",
                dir.toString(),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                String.valueOf(databases),
                "--daemonize",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        try {
            return new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException failure) {
            throw new DrillFailed(
                    DrillFailure.LOAD,
                    "cannot start " + binary + " (redis-server " + version + "): " + failure.getMessage());
        }
    }

    private Loaded await(Process process, int port, Path dir, String what, int rdbVersion, Path binary, String version)
            throws PortTaken {
        long startBy = System.nanoTime() + START_TIMEOUT.toNanos();
        ScratchServer server = null;
        try {
            while (server == null) {
                if (!process.isAlive()) {
                    throw exited(dir, what, rdbVersion, binary, version);
                }
                try {
                    server = opener.open(HOST, port, REPLY_TIMEOUT);
                } catch (RedisCommandFailure notListening) {
                    if (System.nanoTime() > startBy) {
                        throw new DrillFailed(
                                DrillFailure.LOAD,
                                "redis-server " + version + " (" + binary + ") did not answer on " + HOST + ":" + port
                                        + " within " + START_TIMEOUT.toSeconds() + " s of its start");
                    }
                    pause();
                }
            }
            long loadBy = System.nanoTime() + LOAD_TIMEOUT.toNanos();
            while (true) {
                ScratchServer.State state;
                try {
                    state = server.state();
                } catch (RedisCommandFailure lost) {
                    if (!process.isAlive()) {
                        throw exited(dir, what, rdbVersion, binary, version);
                    }
                    throw new DrillFailed(
                            DrillFailure.LOAD,
                            "redis-server " + version + " stopped answering while it loaded " + what + ": "
                                    + lost.getMessage());
                }
                if (state.processId() != process.pid()) {
                    throw new PortTaken(); // another process answers on the port; ours cannot bind it
                }
                if (!state.loading()) {
                    return new Loaded(state.version(), state.keyspace(), clock.millis());
                }
                if (System.nanoTime() > loadBy) {
                    throw new DrillFailed(
                            DrillFailure.LOAD,
                            "redis-server " + version + " was still loading " + what + " after "
                                    + LOAD_TIMEOUT.toMinutes() + " minutes");
                }
                pause();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Why the process is gone, from its log: the port was taken, or its own words on the RDB. */
    private RuntimeException exited(Path dir, String what, int rdbVersion, Path binary, String version)
            throws PortTaken {
        String log = read(dir.resolve("redis.log")) + "\n" + read(dir.resolve("redis.out"));
        if (log.contains("Address already in use")) {
            throw new PortTaken();
        }
        return new DrillFailed(
                DrillFailure.LOAD,
                "redis-server " + version + " (" + binary + ") refused " + what + " (RDB version " + rdbVersion
                        + ") and exited: " + lastWarnings(log)
                        + (log.contains("RDB format version")
                                ? "; drill it with a redis-server as new as the one the backup was taken from"
                                        + " (--redis-server PATH, or backup.drill.redis-server)"
                                : ""));
    }

    /** The server's last warnings, which say why it gave up ({@code Can't handle RDB format version 12}). */
    static String lastWarnings(String log) {
        List<String> warnings = new ArrayList<>();
        List<String> lines =
                log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String line : lines) {
            Matcher warning = WARNING.matcher(line);
            if (warning.matches()) {
                warnings.add(warning.group(1));
            }
        }
        if (warnings.isEmpty()) {
            return lines.isEmpty() ? "it logged nothing" : lines.get(lines.size() - 1);
        }
        return String.join("; ", warnings.subList(Math.max(0, warnings.size() - 2), warnings.size()));
    }

    /** {@code redis-server --version}: {@code Redis server v=7.0.15 sha=...}. */
    private static String version(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new DrillFailed(DrillFailure.LOAD, binary + " --version did not answer");
                }
                Matcher version = VERSION.matcher(output);
                if (process.exitValue() != 0 || !version.find()) {
                    throw new DrillFailed(
                            DrillFailure.LOAD,
                            binary + " does not run as a redis-server (--version said: "
                                    + output.strip().lines().findFirst().orElse("nothing") + ")");
                }
                return version.group(1);
            } finally {
                process.destroyForcibly();
            }
        } catch (IOException failure) {
            throw new DrillFailed(DrillFailure.LOAD, "cannot run " + binary + ": " + failure.getMessage());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new DrillFailed(DrillFailure.LOAD, "interrupted while asking " + binary + " for its version");
        }
    }

    /** SIGTERM, which a server without save points answers by exiting at once; SIGKILL when it does not. */
    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException failure) {
            throw new DrillFailed(DrillFailure.LOAD, "no free port on " + HOST + ": " + failure.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new DrillFailed(DrillFailure.LOAD, "interrupted while the scratch redis-server loaded");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException missing) {
            return "";
        }
    }
}
