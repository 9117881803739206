package io.steward.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A peer program a test runs for real (Debian's prometheus-redis-exporter, Prometheus), with its output in a
 * file and a loud failure when it is not installed.
 */
public final class ExternalProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ExternalProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code binary} with {@code args} and waits until {@code ready} holds.
     *
     * @param debianPackage named in the error when the binary is missing
     */
    public static ExternalProcess start(String binary, String debianPackage, List<String> args, BooleanSupplier ready) {
        Path executable = Path.of(binary);
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(binary + " is not installed: install Debian's " + debianPackage
                    + " package (bash .ci/run does it)");
        }
        try {
            Path log = Files.createTempFile("steward-peer-", ".log");
            List<String> command = new ArrayList<>();
            command.add(binary);
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ExternalProcess peer = new ExternalProcess(process, log);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(binary + " exited at start:\n" + peer.output());
                }
                if (ready.getAsBoolean()) {
                    return peer;
                }
                RedisServer.sleep(100);
            }
            peer.close();
            throw new IllegalStateException(binary + " did not become ready:\n" + peer.output());
        } catch (IOException failure) {
            throw new IllegalStateException("cannot start " + binary + ": " + failure.getMessage(), failure);
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException unreadable) {
            return "(no output: " + unreadable.getMessage() + ")";
        }
    }

    /** Whether an HTTP GET of the URL answers 200, without failing when nothing listens yet. */
    public static boolean answers(String url) {
        try {
            return Http.get(url).statusCode() == 200;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
