package io.steward.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's promtool, run for real; a run that did not do what was asked fails the test with promtool's words. */
public final class Promtool {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    /** {@code promtool check metrics} exits 3 when it parsed the exposition and found lint problems in it. */
    private static final int LINT_PROBLEMS = 3;

    private Promtool() {}

    /** What promtool printed (stdout and stderr, blank lines dropped) and how it exited. */
    private record Result(List<String> command, int exitCode, List<String> lines) {
        AssertionError failure(String why) {
            return new AssertionError(String.join(" ", command) + " " + why + " (exit " + exitCode + "); it said:\n"
                    + (lines.isEmpty() ? "(nothing)" : String.join("\n", lines)));
        }
    }

    /**
     * The problems {@code promtool check metrics} reports for an exposition, one per line: none when it exits 0,
     * some when it exits with its lint status. Anything else (an exposition it cannot parse) fails.
     */
    public static List<String> checkMetrics(String exposition) throws IOException, InterruptedException {
        Result result = execute(exposition, "check", "metrics");
        if (result.exitCode() == 0 && result.lines().isEmpty()) {
            return List.of();
        }
        if (result.exitCode() == LINT_PROBLEMS && !result.lines().isEmpty()) {
            return result.lines();
        }
        throw result.failure("did not lint the exposition");
    }

    /** promtool's output, one line per entry; fails with that output unless promtool exits 0. */
    public static List<String> run(String stdin, String... args) throws IOException, InterruptedException {
        Result result = execute(stdin, args);
        if (result.exitCode() != 0) {
            throw result.failure("failed");
        }
        return result.lines();
    }

    private static Result execute(String stdin, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMTOOL)) {
            throw new IllegalStateException(
                    "promtool is not installed: install Debian's prometheus package (bash .ci/run does it)");
        }
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s:\n" + output);
        }
        return new Result(
                command,
                process.exitValue(),
                output.lines().filter(line -> !line.isBlank()).toList());
    }
}
