package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.Bounded;
import io.steward.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The config README.md shows, every section of it in one file, damaged: whatever the file says, reading it and
 * checking its targets and backup settings ends in the config itself or in a {@link ConfigException} (exit code 2,
 * no stack trace), never another exception. Unknown keys are an error by design, named with their place.
 */
class ConfigLoaderPropertiesTest {

    private static final String REAL = read("/config/steward.yaml");

    private static String read(String resource) {
        try (InputStream in = ConfigLoaderPropertiesTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** YAML's own ways to go wrong besides the replies': indentation, anchors, tags, flow collections, quotes. */
    private static final List<String> YAML_TEXT = List.of(
            "  ",
            "    ",
            "- ",
            ": ",
            "&a ",
            "*a",
            "!!binary ",
            "!!int ",
            "!<tag:x> ",
            "[",
            "]",
            "{",
            "}",
            "'",
            "\"",
            "|",
            ">",
            "? ",
            "---\n",
            "...\n",
            "%YAML 1.2\n",
            "\t",
            "<<: *a\n",
            "~",
            "0x",
            "1_000");

    @Provide
    Arbitrary<String> damagedConfigs() {
        Arbitrary<String> yamlEdits = Arbitraries.of(YAML_TEXT)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6)
                .flatMap(inserts -> Arbitraries.integers()
                        .between(0, REAL.length())
                        .list()
                        .ofSize(inserts.size())
                        .map(positions -> {
                            StringBuilder text = new StringBuilder(REAL);
                            for (int i = 0; i < inserts.size(); i++) {
                                text.insert(Math.min(positions.get(i), text.length()), inserts.get(i));
                            }
                            return text.toString();
                        }));
        return Arbitraries.oneOf(Mutations.damagedText(List.of(REAL)), yamlEdits);
    }

    @Example
    void theRealConfigLoads() throws IOException {
        Path file = write(REAL);
        try {
            Settings settings = Settings.load(Map.of(), file);
            List<io.steward.collector.Target> targets = settings.configuredTargets(Duration.ofSeconds(5));

            assertThat(targets)
                    .extracting(io.steward.collector.Target::name)
                    .containsExactly("cache-1", "secure-1", "sessions", "orders");
        } finally {
            delete(file);
        }
    }

    /** Aliases of aliases: nine levels of ten make a billion values if expanded. */
    @Example
    void aConfigOfAliasesThatMultiplyIsRefusedNotExpanded() throws IOException {
        StringBuilder text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level < 10; level++) {
            String previous = "*a" + (level - 1);
            text.append("a")
                    .append(level)
                    .append(": &a")
                    .append(level)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, previous)))
                    .append("]\n");
        }
        text.append("targets: *a9\n");

        assertOnlyConfigError(text.toString());
    }

    @Example
    void aConfigNestedTenThousandDeepIsRefused() throws IOException {
        assertOnlyConfigError("targets: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
        assertOnlyConfigError("targets:\n" + "  - x:\n".repeat(1)
                + java.util.stream.IntStream.range(0, 3000)
                        .mapToObj(depth -> " ".repeat(4 + depth) + "k" + depth + ":\n")
                        .collect(java.util.stream.Collectors.joining()));
    }

    private static void assertOnlyConfigError(String text) throws IOException {
        Path file = write(text);
        try {
            Bounded.Outcome<Settings> outcome = Bounded.run(() -> {
                Settings settings = Settings.load(Map.of(), file);
                settings.configuredTargets(Duration.ofSeconds(5));
                return settings;
            });

            assertThat(outcome.thrown()).isExactlyInstanceOf(ConfigException.class);
        } finally {
            delete(file);
        }
    }

    @Property(tries = 300)
    void configReadingThrowsOnlyAConfigErrorOnMutatedRealConfigs(@ForAll("damagedConfigs") String text)
            throws IOException {
        Path file = write(text);
        try {
            Bounded.returnedOrThrew(
                    Bounded.run(() -> {
                        Settings settings = Settings.load(Map.of(), file);
                        List<io.steward.collector.Target> targets = settings.configuredTargets(Duration.ofSeconds(5));
                        settings.doctorInterval(null);
                        return settings.backups(null, "--storage", targets);
                    }),
                    ConfigException.class);
        } finally {
            delete(file);
        }
    }

    @Property(tries = 200)
    void anUnknownKeyIsAnErrorNamingItAndItsPlace(@ForAll("placements") Placement placement, @ForAll("keys") String key)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of(REAL.split("\n", -1)));
        int after = lines.indexOf(placement.after());
        lines.add(after + 1, placement.indent() + key + ": 1");
        Path file = write(String.join("\n", lines));
        try {
            Bounded.Outcome<Settings> outcome = Bounded.run(() -> Settings.load(Map.of(), file));

            assertThat(outcome.thrown())
                    .isExactlyInstanceOf(ConfigException.class)
                    .hasMessageContaining(file + ":" + (after + 2) + ":")
                    .hasMessageContaining(placement.path() + key + ": unknown key");
        } finally {
            delete(file);
        }
    }

    /** Where an unknown key goes: after which line of the real config, indented how, under which key path. */
    record Placement(String after, String indent, String path) {}

    @Provide
    Arbitrary<Placement> placements() {
        return Arbitraries.of(
                new Placement("web:", "  ", "web."),
                new Placement("doctor:", "  ", "doctor."),
                new Placement("# The configuration README.md shows, in one file: every section a user writes.", "", ""),
                new Placement("  - name: cache-1", "    ", "targets[0]."),
                new Placement("  - name: orders", "    ", "targets[3]."),
                new Placement("    backup:", "      ", "targets[0].backup."),
                new Placement("      drill:", "        ", "targets[0].backup.drill."),
                new Placement("    tls:", "      ", "targets[1].tls."),
                new Placement("storage:", "  ", "storage."),
                new Placement("  s3:", "    ", "storage.s3."),
                new Placement("retention:", "  ", "retention."),
                new Placement("scheduler:", "  ", "scheduler."));
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz-")
                .ofMinLength(1)
                .ofMaxLength(15)
                .map(suffix -> "future-" + suffix);
    }

    /**
     * The config in a file of its own, with the files it names ({@code /etc/steward/...}: passwords, certificates)
     * moved beside it, where they exist.
     */
    private static Path write(String text) throws IOException {
        Path dir = Files.createTempDirectory("steward-config-");
        for (String name : List.of(
                "cache-1.pass",
                "sessions.pass",
                "sentinel.pass",
                "scrape.pass",
                "ca.pem",
                "client.pem",
                "client.key")) {
            Files.writeString(dir.resolve(name), "secret\n");
        }
        Path file = dir.resolve("steward.yaml");
        Files.writeString(file, text.replace("/etc/steward/", dir + "/"));
        return file;
    }

    private static void delete(Path file) throws IOException {
        try (var files = Files.list(file.getParent())) {
            for (Path each : files.toList()) {
                Files.delete(each);
            }
        }
        Files.delete(file.getParent());
    }
}
