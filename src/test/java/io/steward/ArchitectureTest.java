package io.steward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the dependency direction cli -> {exporters, backup, diagnostics} -> collector, and Prometheus inside
 * exporters, by reading every source file's imports and qualified names.
 */
class ArchitectureTest {

    private static final Pattern REFERENCE =
            Pattern.compile("\\b(io\\.steward\\.[a-z]+|io\\.prometheus|io\\.micrometer\\.prometheusmetrics)\\b");

    /** What each capability may refer to besides itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "collector", Set.of(),
            "diagnostics", Set.of("io.steward.collector"),
            "backup", Set.of("io.steward.collector"),
            "exporters",
                    Set.of(
                            "io.steward.collector",
                            "io.steward.diagnostics",
                            "io.prometheus",
                            "io.micrometer.prometheusmetrics"),
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
            for (Path file : sourcesOf(capability, root)) {
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
    void aMissingFolderOrOneWithoutClassesFailsTheRulesInsteadOfPassingOnNothing(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> sourcesOf("backup", dir.resolve("moved-away")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("backup: " + dir.resolve("moved-away") + " does not exist");
        Path onlyPackageInfo = Files.createDirectories(dir.resolve("emptied"));
        Files.writeString(onlyPackageInfo.resolve("package-info.java"), "package io.steward.backup;\n");
        assertThatThrownBy(() -> sourcesOf("backup", onlyPackageInfo))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("backup: " + onlyPackageInfo + " holds no class");
    }

    /**
     * The Java files of a capability. A folder that is gone or holds no class fails: the rules would otherwise pass
     * on nothing after a move or rename.
     */
    private static List<Path> sourcesOf(String capability, Path root) {
        if (!Files.isDirectory(root)) {
            throw new AssertionError(capability + ": " + root + " does not exist; update ROOTS if it moved");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
        if (files.stream().allMatch(p -> p.getFileName().toString().equals("package-info.java"))) {
            throw new AssertionError(capability + ": " + root + " holds no class; update ROOTS if it moved");
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
