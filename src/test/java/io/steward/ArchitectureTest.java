package io.steward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the dependency direction cli -> {exporters, backup, diagnostics} -> collector (exporters knowing neither
 * diagnostics nor backup), and Prometheus inside exporters, by reading every source file's imports and qualified
 * names.
 */
class ArchitectureTest {

    private static final Pattern REFERENCE =
            Pattern.compile("\\b(io\\.steward\\.[a-z]+|io\\.prometheus|io\\.micrometer\\.prometheusmetrics)\\b");

    /** What each capability may refer to besides itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "collector", Set.of(),
            "diagnostics", Set.of("io.steward.collector"),
            "backup", Set.of("io.steward.collector"),
            "exporters", Set.of("io.steward.collector", "io.prometheus", "io.micrometer.prometheusmetrics"),
            "cli",
                    Set.of(
                            "io.steward.collector",
                            "io.steward.diagnostics",
                            "io.steward.backup",
                            "io.steward.exporters"));

    private static final Map<String, Path> ROOTS = Map.of(
            "collector", Path.of("collector/src/main/java/io/steward/collector"),
            "diagnostics", Path.of("diagnostics/src/main/java/io/steward/diagnostics"),
            "backup", Path.of("backup/src/main/java/io/steward/backup"),
            "exporters", Path.of("exporters/src/main/java/io/steward/exporters"),
            "cli", Path.of("src/main/java/io/steward/cli"));

    @Test
    void everyCapabilityDependsOnlyDownward() {
        List<String> violations = new ArrayList<>();
        ROOTS.forEach((capability, root) -> {
            for (Path file : javaFiles(root)) {
                Matcher m = REFERENCE.matcher(read(file));
                while (m.find()) {
                    String reference = m.group(1);
                    boolean own = reference.equals("io.steward." + capability);
                    if (!own && !ALLOWED.get(capability).contains(reference)) {
                        violations.add(file + " refers to " + reference);
                    }
                }
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void theCapabilityFoldersHoldCode() {
        assertThat(javaFiles(ROOTS.get("collector"))).isNotEmpty();
        assertThat(javaFiles(ROOTS.get("exporters"))).isNotEmpty();
        assertThat(javaFiles(ROOTS.get("cli"))).isNotEmpty();
    }

    private static List<Path> javaFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
