package io.steward.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process that a test starts on a free port in its own temporary directory and
 * stops afterwards. Tests never touch a Redis they did not start.
 */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final String host;
    private final int port;
    private final Path dir;
    private final String password;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private RedisServer(Process process, String host, int port, Path dir, String password) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.dir = dir;
        this.password = password;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RedisServer start() {
        return builder().start();
    }

    public int port() {
        return port;
    }

    /** The loopback address the server binds to and connects from: 127.0.0.1 unless {@link Builder#host}. */
    public String host() {
        return host;
    }

    /** {@code host:port}, as the agent names a node. */
    public String address() {
        return host + ":" + port;
    }

    public Path dir() {
        return dir;
    }

    /** {@code redis://HOST:PORT}, without credentials. */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the process (SIGSTOP), as a hung or partitioned server looks from outside; {@link #resume()} thaws it. */
    public void suspend() {
        signal("-STOP");
    }

    public void resume() {
        signal("-CONT");
    }

    /** Kills the process outright (SIGKILL), as a crashed host looks: no shutdown, no last words to its replicas. */
    public void kill() {
        signal("-KILL");
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String signal) {
        try {
            // The shell's own kill: a minimal Debian has no procps, hence no /bin/kill.
            int exit = new ProcessBuilder("sh", "-c", "kill " + signal + " " + process.pid())
                    .start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException failure) {
            throw new IllegalStateException("cannot signal redis-server: " + failure.getMessage(), failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** A connection for the test's own commands (authenticated when the server has a password). */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            RedisURI uri = RedisURI.create(host, port);
            if (password != null) {
                uri.setCredentialsProvider(new io.lettuce.core.StaticCredentialsProvider(null, password.toCharArray()));
            }
            client = RedisClient.create(uri);
            connection = client.connect();
        }
        return connection.sync();
    }

    /** Sends any command (DEBUG SLEEP, CONFIG SET, ...) and returns its reply as Lettuce decodes it. */
    public List<Object> call(String command, String... args) {
        return call(commands(), command, args);
    }

    /** Sends any command over a connection of the test's own (one over TLS, say). */
    public static List<Object> call(RedisCommands<String, String> connection, String command, String... args) {
        io.lettuce.core.protocol.CommandArgs<String, String> commandArgs =
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8);
        for (String arg : args) {
            commandArgs.add(arg);
        }
        byte[] name = command.getBytes(StandardCharsets.US_ASCII);
        io.lettuce.core.protocol.ProtocolKeyword keyword = new io.lettuce.core.protocol.ProtocolKeyword() {
            @Override
            public byte[] getBytes() {
                return name;
            }

            @Override
            public String toString() {
                return command;
            }
        };
        return connection.dispatch(
                keyword,
                new io.lettuce.core.output.NestedMultiOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                commandArgs);
    }

    /** How many times the server has executed {@code command} (lower case, as {@code bgsave}), by INFO commandstats. */
    public long calls(String command) {
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile(
                        "cmdstat_" + java.util.regex.Pattern.quote(command) + ":calls=(\\d+)")
                .matcher(commands().info("commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    /** Blocks until this replica reports {@code master_link_status:up}. */
    public void awaitReplicationLink() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (commands().info("replication").contains("master_link_status:up")) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException("replica on port " + port + " did not link to its primary; log:\n" + logTail());
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException unreadable) {
            return "(no log: " + unreadable.getMessage() + ")";
        }
    }

    /** What the process wrote to stdout and stderr (where unshare or mount say why they failed). */
    private String output() {
        try {
            return Files.readString(dir.resolve("redis.stdout"));
        } catch (IOException unreadable) {
            return "(none: " + unreadable.getMessage() + ")";
        }
    }

    /** Stops the process but keeps its directory, so a test can restart on the same data or port. */
    public void stop() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            connection = null;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    public static final class Builder {
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Integer port;
        private String host = "127.0.0.1";
        private Path dir;
        private String password;
        private TestCertificates tls;
        private Path privateMount;
        private Path sentinelConfig;

        private Builder() {
            options.put("save", "");
            options.put("appendonly", "no");
            // Redis 7 waits 5 s for more replicas before a diskless full sync; tests have one at a time.
            options.put("repl-diskless-sync-delay", "0");
        }

        public Builder appendOnly(boolean on) {
            return option("appendonly", on ? "yes" : "no");
        }

        /** Save points as in redis.conf ({@code "60 1"}); empty (the default) disables RDB snapshots. */
        public Builder save(String savePoints) {
            return option("save", savePoints);
        }

        public Builder replicaOf(RedisServer primary) {
            return option("replicaof", primary.host() + " " + primary.port());
        }

        public Builder password(String password) {
            this.password = password;
            return option("requirepass", password);
        }

        /** Listens with TLS only, on the chosen port, with the certificates' server pair and CA. */
        public Builder tls(TestCertificates certificates, boolean requireClientCertificate) {
            this.tls = certificates;
            option("tls-cert-file", certificates.serverCert().toString());
            option("tls-key-file", certificates.serverKey().toString());
            option("tls-ca-cert-file", certificates.caCert().toString());
            return option("tls-auth-clients", requireClientCertificate ? "yes" : "no");
        }

        /**
         * Runs the server in a mount namespace of its own, saving in {@code mountPoint/data} on a tmpfs mounted
         * over {@code mountPoint} that only the server sees: a Redis in a container whose data volume is not
         * mounted where the test (the agent) runs. {@code mountPoint} must be an empty directory; the test sees it
         * empty. Needs root, for {@code unshare} and {@code mount}.
         */
        public Builder savingInPrivateMount(Path mountPoint) {
            this.privateMount = mountPoint;
            return option("dir", mountPoint.resolve("data").toString());
        }

        /**
         * Runs as a Sentinel ({@code redis-server FILE --sentinel}) on this configuration file, which the Sentinel
         * rewrites as it learns its peers, so it must be writable.
         */
        public Builder sentinel(Path configFile) {
            this.sentinelConfig = configFile;
            return this;
        }

        public Builder enableDebugCommand() {
            return option("enable-debug-command", "yes");
        }

        /**
         * Binds to and connects from this loopback address (127.0.0.2, 127.0.0.3, ...), so that servers on
         * different addresses stand in for different hosts.
         */
        public Builder host(String address) {
            this.host = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Reuses a directory (for a restart on the same data); by default each server gets a new one. */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        public Builder option(String name, String value) {
            options.put(name, value);
            return this;
        }

        /** An environment variable of the server process ({@code MALLOC_CONF} for jemalloc, ...). */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /**
         * Starts the server. A port picked here may be taken by another process between the pick and the bind
         * (other servers of the suite bind other loopback addresses): then another port is tried.
         */
        public RedisServer start() {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce();
                } catch (IllegalStateException failed) {
                    boolean taken = String.valueOf(failed.getMessage()).contains("Address already in use");
                    if (port != null || !taken || attempt == 5) {
                        throw failed;
                    }
                }
            }
        }

        private RedisServer startOnce() {
            String binary = findRedisServer();
            try {
                Path workDir = dir != null ? dir : Files.createTempDirectory("steward-redis-");
                int chosenPort = port != null ? port : FreePort.find(host);
                List<String> command = new ArrayList<>();
                if (privateMount != null) {
                    command.addAll(List.of(
                            "unshare",
                            "--mount",
                            "--propagation",
                            "private",
                            "sh",
                            "-c",
                            "mount -t tmpfs -o size=64m steward-private \"$0\" && mkdir \"$0/data\" && exec \"$@\"",
                            privateMount.toString()));
                }
                command.add(binary);
                if (sentinelConfig != null) {
                    command.addAll(List.of(sentinelConfig.toString(), "--sentinel"));
                }
                command.addAll(List.of(
                        "--port",
                        tls == null ? String.valueOf(chosenPort) : "0",
                        "--bind",
                        host,
                        "--bind-source-addr",
                        host,
                        "--dir",
                        workDir.toString(),
                        "--logfile",
                        workDir.resolve("redis.log").toString(),
                        "--daemonize",
                        "no",
                        "--protected-mode",
                        "no"));
                if (tls != null) {
                    command.addAll(List.of("--tls-port", String.valueOf(chosenPort)));
                }
                options.forEach((name, value) -> {
                    command.add("--" + name);
                    command.addAll(value.isEmpty() ? List.of("") : List.of(value.split(" ")));
                });
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve("redis.stdout").toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                RedisServer server = new RedisServer(process, host, chosenPort, workDir, password);
                if (tls == null) {
                    awaitPing(server);
                } else {
                    awaitReadyInLog(server);
                }
                return server;
            } catch (IOException failure) {
                throw new IllegalStateException("cannot start redis-server: " + failure.getMessage(), failure);
            }
        }

        private static void awaitPing(RedisServer server) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                if (!server.process.isAlive()) {
                    throw new IllegalStateException("redis-server exited at start; log:\n" + server.logTail()
                            + "\noutput:\n" + server.output());
                }
                try (Socket socket = new Socket(server.host, server.port)) {
                    OutputStream out = socket.getOutputStream();
                    out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = socket.getInputStream();
                    byte[] reply = new byte[64];
                    int n = in.read(reply);
                    // +PONG, or -NOAUTH when a password is set: either way the server is up.
                    if (n > 0
                            && (reply[0] == '+' || reply[0] == '-')
                            && !new String(reply, 0, n, StandardCharsets.US_ASCII).contains("LOADING")) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                sleep(20);
            }
            server.close();
            throw new IllegalStateException("redis-server did not answer PING on port " + server.port);
        }

        /** A TLS port cannot be pinged in plain text; the server says in its log when it listens. */
        private static void awaitReadyInLog(RedisServer server) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                if (!server.process.isAlive()) {
                    throw new IllegalStateException("redis-server exited at start; log:\n" + server.logTail()
                            + "\noutput:\n" + server.output());
                }
                if (server.logTail().contains("Ready to accept connections")) {
                    return;
                }
                sleep(20);
            }
            server.close();
            throw new IllegalStateException("redis-server with TLS did not become ready on port " + server.port);
        }

        private static String findRedisServer() {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
            throw new IllegalStateException("redis-server is not installed: these tests need a real Redis."
                    + " Install Debian's redis-server package (bash .ci/run does it).");
        }
    }
}
