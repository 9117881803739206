package io.steward.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.steward.testing.Bounded;
import io.steward.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The manifest of a real backup (a 7.0 server, taken by {@code backup run} into a file store), damaged: reading it
 * fails only with the backup's mismatch error, a manifest it accepts answers everything the list, the metrics and a
 * restore ask of it, and fields a newer agent adds are read past.
 */
class ManifestPropertiesTest {

    private static final byte[] REAL = read("/backup/redis-7.0/manifest.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] read(String resource) {
        try (InputStream in = ManifestPropertiesTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    @Provide
    Arbitrary<byte[]> damagedManifests() {
        Arbitrary<byte[]> asText = Mutations.damagedText(List.of(new String(REAL, StandardCharsets.UTF_8)))
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(asText, Mutations.mutatedBytes(REAL), Mutations.randomBytes(), jsonEdits());
    }

    /** The real manifest with a value of the JSON tree replaced by another of any JSON type. */
    private Arbitrary<byte[]> jsonEdits() {
        List<String> paths = List.of(
                "/id",
                "/startedAt",
                "/finishedAt",
                "/source",
                "/source/redisVersion",
                "/rdb",
                "/rdb/version",
                "/rdb/size",
                "/stored",
                "/stored/object",
                "/stored/size",
                "/keys",
                "/keys/db0",
                "/shards",
                "/schemaVersion",
                "/scheduled",
                "/keysCounted");
        Arbitrary<String> values = Arbitraries.of(
                "null",
                "\"\"",
                "\"x\"",
                "-1",
                "9223372036854775808",
                "1e400",
                "[]",
                "[null]",
                "{}",
                "true",
                "\"2026-13-45T99:99:99Z\"",
                "[{}]",
                "[{\"shard\":0,\"slots\":[null]}]",
                "\"no-slash\"",
                "\"/\"");
        return net.jqwik.api.Combinators.combine(Arbitraries.of(paths), values).as((path, value) -> {
            try {
                ObjectNode root = (ObjectNode) JSON.readTree(REAL);
                int slash = path.lastIndexOf('/');
                var parent = root.at(path.substring(0, slash));
                if (parent instanceof ObjectNode object) {
                    object.set(path.substring(slash + 1), JSON.readTree(value));
                }
                return JSON.writeValueAsBytes(root);
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
        });
    }

    @Property(tries = 600)
    void manifestReadingThrowsOnlyAMismatchOnMutatedRealManifests(@ForAll("damagedManifests") byte[] json) {
        Bounded.Outcome<Manifest> outcome = Bounded.run(() -> {
            Manifest manifest = Manifest.fromJson(json, "manifest.json");
            manifest.parts();
            manifest.rdbSize();
            manifest.storedSize();
            manifest.rdbVersion();
            manifest.redisVersion();
            manifest.directory();
            manifest.started();
            manifest.finished();
            manifest.keysExact();
            return manifest;
        });

        if (Bounded.returnedOrThrew(outcome, BackupException.class) == null) {
            assertThat(((BackupException) outcome.thrown()).reason()).isEqualTo(BackupFailure.MISMATCH);
        }
    }

    @Property(tries = 200)
    void fieldsANewerAgentAddsAreReadPast(@ForAll("fieldNames") String name, @ForAll("jsonValues") String value)
            throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(REAL);
        root.set(name, JSON.readTree(value));
        ((ObjectNode) root.get("rdb")).set(name, JSON.readTree(value));
        ((ObjectNode) root.get("source")).set(name, JSON.readTree(value));

        Manifest read =
                Bounded.returned(Bounded.run(() -> Manifest.fromJson(JSON.writeValueAsBytes(root), "manifest.json")));

        assertThat(read).isEqualTo(Manifest.fromJson(REAL, "manifest.json"));
    }

    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(suffix -> "future" + suffix);
    }

    @Provide
    Arbitrary<String> jsonValues() {
        return Arbitraries.of("1", "\"text\"", "null", "[1,2]", "{\"nested\":{\"deeper\":[]}}", "true", "1.5e300");
    }
}
