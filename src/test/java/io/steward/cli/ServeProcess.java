package io.steward.cli;

import io.steward.testing.FreePort;
import io.steward.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code steward serve} in a JVM of its own, from this test's class path, logging as the packaged jar does: to stop
 * with SIGTERM, or to kill with SIGKILL as a crash or the OOM killer would.
 */
final class ServeProcess implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private ServeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it on a free port of 127.0.0.1; {@code log} gets its stdout and stderr. */
    static ServeProcess start(Path config, Path log, Map<String, String> env) {
        return start(config, log, env, List.of());
    }

    /** @param moreArgs further arguments of {@code serve} */
    static ServeProcess start(Path config, Path log, Map<String, String> env, List<String> moreArgs) {
        int port = FreePort.find();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--config",
                config.toString(),
                "--web.listen-address",
                "127.0.0.1:" + port,
                "--timeout",
                "2s"));
        command.addAll(moreArgs);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            return new ServeProcess(builder.start(), port, log);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Starts it and waits until it answers {@code /-/healthy}. */
    static ServeProcess started(Path config, Path log, Map<String, String> env) {
        ServeProcess agent = start(config, log, env);
        try {
            Awaitility.await()
                    .atMost(PATIENCE)
                    .ignoreExceptions()
                    .until(() -> agent.isAlive()
                            && Http.get(agent.base() + "/-/healthy").statusCode() == 200);
        } catch (RuntimeException | Error failed) {
            agent.kill();
            throw new AssertionError("the agent did not start:\n" + agent.log(), failed);
        }
        return agent;
    }

    int port() {
        return port;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String metrics() {
        return Http.get(base() + "/metrics").body();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is cleaned up. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, and waits for the exit; a process that does not stop is killed and fails the test. */
    int terminate() {
        process.destroy();
        try {
            if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the agent did not stop on SIGTERM:\n" + log());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
        }
    }
}
