package io.steward.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs the {@code steward} command in-process with a given environment, as a user would from a shell. */
final class Cli {

    /** The S3 credentials' variable names that {@link #s3Config} writes into the config. */
    static final String KEY_VARIABLE = "TEST_S3_KEY";

    static final String SECRET_VARIABLE = "TEST_S3_SECRET";

    private Cli() {}

    record Run(int exitCode, String out, String err) {
        /** The backup id that {@code backup run} printed. */
        String backupId() {
            Matcher m =
                    Pattern.compile("backup (\\d{8}T\\d{6}Z-[0-9a-f]{8}) of").matcher(out);
            if (!m.find()) {
                throw new AssertionError("no backup id in:\n" + out + "\nstderr:\n" + err);
            }
            return m.group(1);
        }
    }

    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(env);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** A config whose storage is {@code s3://bucket/redis} at {@code endpoint}, plus any further YAML. */
    static Path s3Config(Path dir, String endpoint, String bucket, String more) {
        return write(
                dir,
                "storage:\n"
                        + "  url: s3://" + bucket + "/redis\n"
                        + "  s3:\n"
                        + "    endpoint: " + endpoint + "\n"
                        + "    access-key-env: " + KEY_VARIABLE + "\n"
                        + "    secret-key-env: " + SECRET_VARIABLE + "\n"
                        + "    max-attempts: 2\n" + more);
    }

    static Path fileConfig(Path dir, Path store, String more) {
        return write(dir, "storage:\n  url: " + store.toUri() + "\n" + more);
    }

    private static Path write(Path dir, String yaml) {
        try {
            Path file = Files.createTempFile(dir, "steward-", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
