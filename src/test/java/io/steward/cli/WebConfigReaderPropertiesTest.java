package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a web config file holds, reading it ends, soon, either in a web config or in a {@link ConfigException}:
 * never another exception, which would reach the user as a stack trace, or, on a reload, stop reloads.
 */
class WebConfigReaderPropertiesTest {

    private static final String HASH = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());

    /** Real files that work, for the mutations to start from. */
    private static final List<String> SAMPLES = List.of(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_ca_file: ca.crt
              client_auth_type: RequireAndVerifyClientCert
              min_version: TLS13
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Content-Security-Policy: "default-src 'none'"
            basic_auth_users:
              prometheus: %s
              other: '%s'
            """.formatted(HASH, HASH),
            "basic_auth_users: {a: %s}\n".formatted(HASH),
            "tls_server_config: {cert_file: server.crt, key_file: server.key}\n");

    private static final List<String> PIECES = List.of(
            ":",
            " ",
            "\n",
            "  ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            "&a ",
            "*a",
            "!!binary ",
            "!!map",
            "'",
            "\"",
            "#",
            "|",
            ">",
            "~",
            "null",
            "$2y$",
            "tls_server_config",
            "cert_file",
            "key_file",
            "basic_auth_users",
            "headers",
            "../",
            "/",
            "\t",
            "\u0000",
            "\uFEFF",
            "---\n",
            "...\n",
            "<<: *a\n",
            "?",
            ",",
            "%YAML 1.1\n");

    private static Path dir;
    private static Path file;

    @BeforeContainer
    static void makeCertificates() throws IOException {
        dir = Files.createTempDirectory("steward-web-config-properties-");
        TestCertificates.create(dir);
        file = dir.resolve("web.yml");
    }

    @AfterContainer
    static void deleteCertificates() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Property(tries = 300)
    void aMutatedRealFileIsReadOrRefusedAsAConfigError(@ForAll("mutated") String text) {
        readsOrRefuses(text);
    }

    @Property(tries = 300)
    void anyTextIsReadOrRefusedAsAConfigError(@ForAll("anyText") String text) {
        readsOrRefuses(text);
    }

    @Property(tries = 50)
    void deeplyNestedOrAliasedYamlEndsToo(@ForAll("nested") String text) {
        readsOrRefuses(text);
    }

    private static void readsOrRefuses(String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                assertThat(new WebConfigReader().read(file)).isNotNull();
            } catch (ConfigException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        });
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> sample = Arbitraries.of(SAMPLES);
        Arbitrary<String> piece =
                Arbitraries.oneOf(Arbitraries.of(PIECES), Arbitraries.strings().ofMaxLength(4));
        return Combinators.combine(
                        sample,
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 8),
                        piece,
                        Arbitraries.of("insert", "delete", "replace"))
                .as((text, at, length, what, how) -> {
                    int start = at % (text.length() + 1);
                    int end = Math.min(text.length(), start + length);
                    return switch (how) {
                        case "insert" -> text.substring(0, start) + what + text.substring(start);
                        case "delete" -> text.substring(0, start) + text.substring(end);
                        default -> text.substring(0, start) + what + text.substring(end);
                    };
                });
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of(PIECES).list().ofMaxSize(40).map(pieces -> String.join("", pieces)));
    }

    @Provide
    Arbitrary<String> nested() {
        return Arbitraries.integers()
                .between(1, 3000)
                .flatMap(depth -> Arbitraries.of(
                        "[".repeat(depth) + "]".repeat(depth),
                        "{a: ".repeat(depth) + "b" + "}".repeat(depth),
                        aliases(Math.min(depth, 40)),
                        "tls_server_config:\n" + "  x:\n".repeat(depth)));
    }

    /** The "billion laughs": each level lists the one before ten times. */
    private static String aliases(int levels) {
        StringBuilder yaml = new StringBuilder("a0: &a0 [lol]\n");
        for (int i = 1; i < levels; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        return yaml.toString();
    }
}
