package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.steward.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web config file as {@code --web.config.file} reads it, and every mistake in it named with its place. */
class WebConfigReaderTest {

    private static final String HASH = BCrypt.withDefaults().hashToString(4, "pw-Secret-55".toCharArray());

    @TempDir
    Path dir;

    private TestCertificates certs;
    private final WebConfigReader reader = new WebConfigReader();

    @BeforeEach
    void makeCertificates() {
        certs = TestCertificates.create(dir);
    }

    private WebConfig read(String yaml) throws IOException {
        Path file = dir.resolve("web.yml");
        Files.writeString(file, yaml);
        return reader.read(file);
    }

    private String failure(String yaml) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> read(yaml));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }

    @Test
    void anUnknownKeyIsAnErrorNamingItsPlaceAndTheKnownKeys() {
        assertThat(failure("tls_server_config:\n  cert_file: server.crt\n  cipher_suite: x\n"))
                .startsWith(dir.resolve("web.yml") + ":3:3: tls_server_config.cipher_suite: unknown key (known: ")
                .contains("client_auth_type", "min_version");
        assertThat(failure("basic_auth:\n  a: b\n")).contains(":1:1: basic_auth: unknown key");
    }

    @Test
    void anEmptyFileIsPlainHttpOpenToAll() throws IOException {
        WebConfig web = read("# nothing yet\n");

        assertThat(web.tls()).isNull();
        assertThat(web.hasUsers()).isFalse();
    }

    @Test
    void aBadBcryptHashIsNamedWithoutRepeatingIt() {
        assertThat(failure("basic_auth_users:\n  alice: plain-Secret-1\n"))
                .contains(":2:3: basic_auth_users.alice: not a bcrypt hash")
                .doesNotContain("plain-Secret-1");
        assertThat(failure("basic_auth_users:\n  alice: $2y$10$tooShort\n")).contains("not a bcrypt hash");
    }

    @Test
    void theHashesOfEveryBcryptVersionAreTaken() throws IOException {
        String y = HASH.replaceFirst("^\\$2a\\$", "\\$2y\\$");
        String b = HASH.replaceFirst("^\\$2a\\$", "\\$2b\\$");

        assertThat(read("basic_auth_users:\n  a: " + HASH + "\n  y: '" + y + "'\n  b: \"" + b + "\"\n")
                        .users())
                .containsOnlyKeys("a", "y", "b");
    }

    @Test
    void aMissingCertificateFileNamesTheKeyAndTheFile() {
        assertThat(failure("tls_server_config:\n  cert_file: nowhere.crt\n  key_file: server.key\n"))
                .contains(":2:3: tls_server_config.cert_file: " + dir.resolve("nowhere.crt") + " does not exist");
        assertThat(failure("tls_server_config:\n  cert_file: server.crt\n"))
                .contains("tls_server_config.key_file: missing");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAnError() {
        assertThat(failure("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n"))
                .contains("tls_server_config.key_file: ")
                .contains("is not the key of the certificate");
    }

    @Test
    void keysAreReadAsPkcs8AndInOpenSslsRsaForm() throws IOException {
        TestCertificates.openssl(dir, "rsa", "-in", "server.key", "-traditional", "-out", "server-rsa.key");
        assertThat(Files.readString(dir.resolve("server-rsa.key"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(certs.serverKey())).contains("BEGIN PRIVATE KEY");

        for (String key : List.of("server.key", "server-rsa.key")) {
            WebConfig web = read("tls_server_config:\n  cert_file: server.crt\n  key_file: " + key + "\n");
            assertThat(web.tls().key().getAlgorithm()).isEqualTo("RSA");
            assertThat(web.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
            assertThat(web.tls().clientAuth()).isEqualTo(WebConfig.ClientAuth.NoClientCert);
        }
    }

    @Test
    void clientAuthTypesAndTlsVersionsAreTheExportersOwn() throws IOException {
        String tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";

        assertThat(failure(tls + "  client_auth_type: required\n"))
                .contains("tls_server_config.client_auth_type: 'required' is not one of NoClientCert, ");
        assertThat(failure(tls + "  client_auth_type: RequireAndVerifyClientCert\n"))
                .contains("give the CAs that sign them in client_ca_file");
        assertThat(failure(tls + "  client_ca_file: ca.crt\n"))
                .contains("tls_server_config.client_ca_file: client CAs are given but client_auth_type is");
        assertThat(failure(tls + "  min_version: TLS1.2\n"))
                .contains("tls_server_config.min_version: 'TLS1.2' is not one of TLS10, TLS11, TLS12, TLS13");
        assertThat(read(tls + "  min_version: TLS13\n").tls().protocols()).containsExactly("TLSv1.3");
        assertThat(read(tls + "  client_ca_file: ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n")
                        .tls()
                        .clientCas())
                .hasSize(1);
    }

    @Test
    void onlySecurityHeadersMayBeSet() throws IOException {
        assertThat(failure("http_server_config:\n  headers:\n    Server: steward\n"))
                .contains(":3:5: http_server_config.headers.Server: this header may not be set (allowed: ");
        assertThat(read("http_server_config:\n  http2: true\n  headers:\n    x-frame-options: deny\n")
                        .headers())
                .containsExactly(java.util.Map.entry("X-Frame-Options", "deny"));
    }

    @Test
    void noHashAppearsInTheReadConfigsText() throws IOException {
        WebConfig web = read("basic_auth_users:\n  alice: " + HASH + "\n");

        assertThat(web.toString()).contains("alice").doesNotContain(HASH).doesNotContain("$2");
    }

    @Test
    void notYamlIsAnErrorWithItsPlace() {
        assertThat(failure("basic_auth_users: [\n")).contains("web.yml:").contains("not valid YAML");
        assertThat(failure("basic_auth_users: just-text\n")).contains("basic_auth_users: wrong form");
    }
}
