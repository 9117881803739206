package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.FreePort;
import io.steward.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/steward} as a user runs it, in real processes: it finds Java and the jar, passes the command's exit
 * code through, uses a class-data-sharing archive only when it fits, and an agent out of heap exits.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("bin", "steward").toAbsolutePath();
    private static final Path CDS = Path.of("bin", "steward-cds").toAbsolutePath();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    /** A jar of this build's classes that runs from its dependencies in place, as the shaded jar runs. */
    private static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void jar(@TempDir Path jarDir) throws IOException {
        jar = LauncherJars.write(jarDir.resolve("steward.jar"));
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        Run run = steward(Map.of(), "--help");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: steward").contains("serve", "doctor", "backup", "Exit codes:");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        Run run = steward(Map.of(), "version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("steward " + BuildInfo.version() + " (Java " + Runtime.version() + ")");
    }

    @Test
    void theCommandsExitCodesPassThrough() {
        Run usage = steward(Map.of(), "doctor", "--no-such-flag");
        assertThat(usage.exitCode()).isEqualTo(Main.USAGE);
        assertThat(usage.err()).contains("Unknown option: '--no-such-flag'");

        Run refused = steward(Map.of(), "doctor", "redis://127.0.0.1:" + FreePort.find(), "--timeout", "2s");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(Main.COULD_NOT_RUN);
        assertThat(refused.err()).contains("cannot connect to 127.0.0.1:");
    }

    @Test
    void withoutJavaItSaysWhatToInstallAndExitsThree() throws IOException {
        // A PATH with the tools the script needs but no java, and no JAVA_HOME.
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("bash", "dirname", "readlink", "sed", "head", "cut")) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        Run run = steward(Map.of("PATH", tools.toString(), "JAVA_HOME", ""), "version");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip())
                .isEqualTo("steward: no Java found: install Java 17 or later"
                        + " (apt-get install openjdk-17-jre-headless) or set JAVA_HOME");
    }

    @Test
    void aJavaOlderThan17IsRefusedWithExitThree() throws IOException {
        Path oldJava = Files.createDirectories(dir.resolve("jdk-11/bin"));
        Files.writeString(dir.resolve("jdk-11/release"), "JAVA_VERSION=\"11.0.24\"\n");
        executable(oldJava.resolve("java"), "#!/bin/sh\necho 'this Java must not run' >&2\nexit 1\n");
        Run run = steward(Map.of("JAVA_HOME", dir.resolve("jdk-11").toString()), "version");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip())
                .startsWith("steward: " + oldJava.resolve("java") + " is Java 11.0.24; steward needs Java 17 or later")
                .contains("JAVA_HOME")
                .doesNotContain("must not run");
    }

    @Test
    void aSymlinkToTheLauncherRunsTheJarOfItsCheckout() throws IOException {
        Path checkout = checkout(dir.resolve("checkout"));
        Files.copy(jar, Files.createDirectories(checkout.resolve("target")).resolve("steward.jar"));
        Path link = Files.createSymbolicLink(
                Files.createDirectories(dir.resolve("usr/local/bin")).resolve("steward"),
                checkout.resolve("bin/steward"));
        Run run = run(List.of(link.toString(), "version"), Map.of("STEWARD_JAR", ""));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("steward " + BuildInfo.version());
    }

    @Test
    void aCheckoutWithoutTheJarBuildsItFirstAndSaysSo() throws IOException {
        Path checkout = checkout(dir.resolve("checkout"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
        // A Maven that builds the jar as `mvn package` would, and notes how it was asked.
        Path tools = Files.createDirectories(dir.resolve("tools"));
        executable(
                tools.resolve("mvn"),
                "#!/bin/sh\necho \"$PWD $*\" > " + dir.resolve("mvn.args") + "\nmkdir -p target\ncp " + jar
                        + " target/steward.jar\n");
        Run run = run(
                List.of(checkout.resolve("bin/steward").toString(), "version"),
                Map.of("STEWARD_JAR", "", "PATH", tools + ":" + System.getenv("PATH")));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err().lines().findFirst())
                .contains("steward: " + checkout.resolve("target/steward.jar")
                        + " is missing: building it (mvn -q -B package -DskipTests)");
        assertThat(read(dir.resolve("mvn.args")).strip()).isEqualTo(checkout + " -q -B package -DskipTests");
        assertThat(run.out()).startsWith("steward " + BuildInfo.version());
    }

    @Test
    void stewardJarThatDoesNotExistIsNamed() {
        Run run =
                steward(Map.of("STEWARD_JAR", dir.resolve("nowhere/steward.jar").toString()), "version");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip())
                .isEqualTo("steward: STEWARD_JAR is " + dir.resolve("nowhere/steward.jar") + ", which does not exist");
    }

    @Test
    void theArchiveBuiltBesideTheJarIsUsed() throws IOException {
        Path copy = Files.copy(jar, dir.resolve("steward.jar"));
        Run built = run(List.of(CDS.toString(), copy.toString()), Map.of());
        assertThat(built.exitCode()).as(built.err()).isZero();
        assertThat(dir.resolve("steward.jsa")).isNotEmptyFile();

        Path classes = dir.resolve("classes.log");
        Run run = steward(
                Map.of("STEWARD_JAR", copy.toString(), "STEWARD_JAVA_OPTS", "-Xlog:class+load:file=" + classes),
                "version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(read(classes)).contains("io.steward.cli.VersionCommand source: shared objects file");
    }

    @Test
    void aCorruptArchiveIsIgnoredSilently() throws IOException {
        Path copy = Files.copy(jar, dir.resolve("steward.jar"));
        Files.writeString(dir.resolve("steward.jsa"), "not an archive");
        Run run = steward(Map.of("STEWARD_JAR", copy.toString()), "version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("steward " + BuildInfo.version());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anArchiveMadeForTheJarElsewhereIsIgnoredSilently() throws IOException {
        Path built = Files.createDirectories(dir.resolve("built")).resolve("steward.jar");
        Files.copy(jar, built);
        Run made = run(List.of(CDS.toString(), built.toString()), Map.of());
        assertThat(made.exitCode()).as(made.err()).isZero();
        Path moved = Files.createDirectories(dir.resolve("moved")).resolve("steward.jar");
        Files.copy(built, moved);
        Files.copy(built.resolveSibling("steward.jsa"), moved.resolveSibling("steward.jsa"));

        Run run = steward(Map.of("STEWARD_JAR", moved.toString()), "version");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("steward " + BuildInfo.version() + " (Java " + Runtime.version());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void sizesTheAgentsHeapForTheTargetsOfItsConfig() throws Exception {
        try (RedisServer redis =
                RedisServer.builder().option("maxclients", "1000").start()) {
            String targets = IntStream.range(0, 400)
                    .mapToObj(i -> "  - name: t" + i + "\n    uri: " + redis.uri() + "\n")
                    .reduce("targets:\n", String::concat);
            Path config = Files.writeString(dir.resolve("steward.yaml"), targets);
            int port = FreePort.find();
            Process agent = start(
                    List.of(
                            LAUNCHER.toString(),
                            "serve",
                            "--config",
                            config.toString(),
                            "--web.listen-address",
                            "127.0.0.1:" + port),
                    Map.of("STEWARD_JAR", jar.toString()));
            try {
                awaitLine(agent, "polling 400 target(s)");
                String commandLine = Files.readString(Path.of("/proc", String.valueOf(agent.pid()), "cmdline"));
                String expected = "-Xmx" + new HeapNeed(400, 0).asJvmSize();
                assertThat(commandLine.split("\0")).contains(expected).doesNotContain("-Xmx64m");
                org.awaitility.Awaitility.await()
                        .atMost(PATIENCE)
                        .until(() -> io.steward.testing.Http.get("http://127.0.0.1:" + port + "/-/ready")
                                        .statusCode()
                                == 200);
                assertThat(err(agent)).doesNotContain("may run out of memory");
            } finally {
                agent.destroy();
                agent.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                agent.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void sigtermStopsTheAgentThroughTheLauncher() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            int port = FreePort.find();
            Process agent = start(
                    List.of(
                            LAUNCHER.toString(),
                            "serve",
                            "--redis",
                            redis.uri(),
                            "--web.listen-address",
                            "127.0.0.1:" + port),
                    Map.of("STEWARD_JAR", jar.toString()));
            try {
                awaitLine(agent, "polling 1 target(s)");
                agent.destroy();
                assertThat(agent.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                        .isTrue();
                assertThat(agent.exitValue()).as(err(agent)).isZero();
                assertThat(err(agent).strip()).endsWith("steward stopped");
            } finally {
                agent.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void anAgentOutOfHeapExitsNonZeroNamingStewardHeap() throws Exception {
        // 1500 targets need well over 100 MiB of heap; 16 MiB starts the agent but cannot hold them.
        try (RedisServer first =
                        RedisServer.builder().option("maxclients", "4000").start();
                RedisServer second =
                        RedisServer.builder().option("maxclients", "4000").start()) {
            String targets = IntStream.range(0, 1500)
                    .mapToObj(i -> "  - name: t" + i + "\n    uri: " + (i % 2 == 0 ? first : second).uri() + "\n")
                    .reduce("targets:\n", String::concat);
            Path config = Files.writeString(dir.resolve("steward.yaml"), targets);
            Process agent = start(
                    List.of(
                            LAUNCHER.toString(),
                            "serve",
                            "--config",
                            config.toString(),
                            "--web.listen-address",
                            "127.0.0.1:" + FreePort.find()),
                    Map.of("STEWARD_JAR", jar.toString(), "STEWARD_HEAP", "16m"));
            try {
                assertThat(agent.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                        .as("the agent exits on its own")
                        .isTrue();
                List<String> lines = err(agent).lines().toList();
                assertThat(agent.exitValue()).as(err(agent)).isEqualTo(3);
                assertThat(lines.get(lines.size() - 1))
                        .isEqualTo("steward: out of memory (heap 16m): exiting, give it more with STEWARD_HEAP,"
                                + " e.g. STEWARD_HEAP=256m");
                assertThat(read(dir.resolve("out.log"))).contains("java.lang.OutOfMemoryError: Java heap space");
            } finally {
                agent.destroyForcibly().waitFor();
            }
        }
    }

    record Run(int exitCode, String out, String err) {}

    /** bin/steward on this build's jar, with this test's Java. */
    private Run steward(Map<String, String> env, String... args) {
        Map<String, String> withJar = new java.util.HashMap<>(Map.of("STEWARD_JAR", jar.toString()));
        withJar.putAll(env);
        return run(
                Stream.concat(Stream.of(LAUNCHER.toString()), Stream.of(args)).toList(), withJar);
    }

    private Run run(List<String> command, Map<String, String> env) {
        try {
            Process process = start(command, env);
            try {
                if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError(command + " did not finish:\n" + err(process));
                }
                return new Run(process.exitValue(), read(dir.resolve("out.log")), err(process));
            } finally {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    /** Starts a command with stdout and stderr in files of the test's directory, without the user's STEWARD_*. */
    private Process start(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.log").toFile())
                .redirectError(dir.resolve("err.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("STEWARD_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        try {
            return builder.start();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    private String err(Process process) {
        return read(dir.resolve("err.log"));
    }

    private void awaitLine(Process process, String text) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!err(process).contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" from the agent:\n" + err(process));
            }
            Thread.sleep(50);
        }
    }

    /** A directory laid out as a checkout: bin/steward and nothing else. */
    private static Path checkout(Path root) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(LAUNCHER, bin.resolve("steward"));
        return root;
    }

    /** A JDK 17 or later under /usr/lib/jvm other than the one running the tests. */
    private static Path which(String tool) {
        return Stream.of(System.getenv("PATH").split(":"))
                .map(entry -> Path.of(entry, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " is not on PATH"));
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
