package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.Http;
import io.steward.testing.LogCapture;
import io.steward.testing.Metrics;
import io.steward.testing.RedisServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /scrape?target=} polls what the config knows, with that target's own credentials; any other host only
 * when {@code web.scrape-allow} lets it, and then with the allow-list's credentials or none. A recording listener
 * stands for a host that should never see a password.
 */
class ScrapeSafetyTest {

    private static final String TARGET_SECRET = "target-Secret-4711";
    private static final String FLAG_SECRET = "flag-Secret-0815";
    private static final String SCRAPE_SECRET = "scrape-Secret-2342";
    /** The configured target's password, and the variable that once went to every /scrape host. */
    private static final Map<String, String> ENV =
            Map.of("CACHE_PASSWORD", TARGET_SECRET, "REDIS_PASSWORD", FLAG_SECRET);

    @TempDir
    Path dir;

    private RedisServer cache;
    private Recorder stranger;

    @BeforeEach
    void start() throws IOException {
        cache = RedisServer.builder().password(TARGET_SECRET).start();
        stranger = new Recorder();
    }

    @AfterEach
    void stop() throws IOException {
        stranger.close();
        cache.close();
    }

    private Agent agent(Map<String, String> env, String web) {
        return TestAgents.start(
                env, Duration.ofMinutes(1), web, TestAgents.entry("cache", cache.uri(), "CACHE_PASSWORD"));
    }

    private static HttpResponse<String> scrape(Agent agent, String target) {
        return Http.get(TestAgents.base(agent) + "/scrape?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
    }

    private String strangerUri() {
        return "redis://127.0.0.1:" + stranger.port();
    }

    @Test
    void aHostTheConfigDoesNotKnowIsRefusedWithoutAConnection() {
        try (Agent agent = agent(ENV, "")) {
            for (String target :
                    new String[] {strangerUri(), "127.0.0.1:" + stranger.port(), "rediss://10.9.9.9:6380"}) {
                HttpResponse<String> refused = scrape(agent, target);
                assertThat(refused.statusCode()).as(target).isEqualTo(403);
                assertThat(refused.body())
                        .contains("is not a configured target")
                        .contains("scrape-allow: [\"")
                        .contains("--web.scrape-allow");
            }
            assertThat(stranger.connections()).isZero();
            assertThat(stranger.received()).isEmpty();
        }
    }

    @Test
    void aConfiguredTargetIsScrapedByNameOrAddressWithItsOwnPassword() {
        try (Agent agent = agent(ENV, "")) {
            for (String target : new String[] {"cache", cache.uri(), "127.0.0.1:" + cache.port()}) {
                HttpResponse<String> response = scrape(agent, target);
                assertThat(response.statusCode()).as(target).isEqualTo(200);
                assertThat(Metrics.value(response.body(), "redis_up"))
                        .as(target)
                        .hasValue(1.0);
            }
        }
    }

    @Test
    void anAllowedHostGetsNoCredentialWhenTheAllowListHasNone() {
        try (Agent agent = agent(ENV, "web:\n  scrape-allow: [\"127.0.0.1:" + stranger.port() + "\"]\n")) {
            HttpResponse<String> response = scrape(agent, strangerUri());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Metrics.value(response.body(), "redis_up")).hasValue(0.0);
        }
        String received = stranger.received();
        assertThat(received).as("the agent spoke to the allowed host").contains("HELLO");
        assertThat(received)
                .doesNotContain("AUTH")
                .doesNotContain(TARGET_SECRET)
                .doesNotContain(FLAG_SECRET);
    }

    @Test
    void anAllowedHostGetsTheAllowListsCredentialAndNoOther() throws IOException {
        Path password = Files.writeString(dir.resolve("scrape.pass"), SCRAPE_SECRET + "\n");
        String web = "web:\n  scrape-allow: [\"127.0.0.1:*\"]\n  scrape-password-file: " + password + "\n";
        try (RedisServer allowed = RedisServer.builder().password(SCRAPE_SECRET).start();
                Agent agent = agent(ENV, web)) {
            assertThat(Metrics.value(scrape(agent, allowed.uri()).body(), "redis_up"))
                    .hasValue(1.0);
            // The configured target still gets its own password, not the allow-list's.
            assertThat(Metrics.value(scrape(agent, cache.uri()).body(), "redis_up"))
                    .hasValue(1.0);
            assertThat(scrape(agent, strangerUri()).statusCode()).isEqualTo(200);
        }
        String received = stranger.received();
        assertThat(received).contains("AUTH").contains(SCRAPE_SECRET);
        assertThat(received).doesNotContain(TARGET_SECRET).doesNotContain(FLAG_SECRET);
    }

    @Test
    void theFlagsAllowListReplacesTheFilesAndStillSendsNoPassword() throws IOException {
        Path config = Files.writeString(
                dir.resolve("steward.yaml"),
                TestAgents.yaml(TestAgents.entry("cache", cache.uri(), "CACHE_PASSWORD"))
                        + "web:\n  scrape-allow: [\"10.0.0.*:6379\"]\n");
        try (Agent agent = TestAgents.fromConfig(
                ENV, config, Duration.ofMinutes(1), "--web.scrape-allow", "127.0.0.*:" + stranger.port())) {
            assertThat(scrape(agent, strangerUri()).statusCode()).isEqualTo(200);
            assertThat(scrape(agent, "redis://10.0.0.5:6379").statusCode()).isEqualTo(403);
        }
        assertThat(stranger.received())
                .contains("HELLO")
                .doesNotContain("AUTH")
                .doesNotContain(TARGET_SECRET)
                .doesNotContain(FLAG_SECRET);
    }

    @Test
    void aPasswordInTheScrapeUriIsRefused() {
        try (Agent agent = agent(ENV, "web:\n  scrape-allow: [\"*:*\"]\n")) {
            HttpResponse<String> response = scrape(agent, "redis://:guess@127.0.0.1:" + stranger.port());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body())
                    .contains("/scrape takes no credentials in the URI")
                    .doesNotContain("guess");
        }
        assertThat(stranger.connections()).isZero();
    }

    @Test
    void failedScrapesAreCountedUnderOneLabelAndLoggedOncePerMinute() {
        try (LogCapture logs = new LogCapture();
                Agent agent = agent(ENV, "web:\n  scrape-allow: [\"127.0.0.1:*\"]\n")) {
            scrape(agent, strangerUri());
            scrape(agent, strangerUri());
            scrape(agent, "redis://10.1.1.1:6379");
            scrape(agent, "redis://10.1.1.1:6379");
            String metrics = Http.get(TestAgents.base(agent) + "/metrics").body();
            double failures = 0;
            for (String reason : new String[] {"connect", "auth", "tls", "timeout", "protocol", "refused", "error"}) {
                failures += Metrics.value(
                                metrics, "steward_poll_errors_total{reason=\"" + reason + "\",target=\"scrape\"}")
                        .orElseThrow();
            }
            assertThat(failures).isEqualTo(2.0);
            assertThat(logs.lines().stream().filter(line -> line.contains("/scrape of 127.0.0.1:" + stranger.port())))
                    .singleElement()
                    .satisfies(line -> assertThat(line).startsWith("WARN"));
            assertThat(logs.lines().stream().filter(line -> line.contains("/scrape refused 10.1.1.1:6379")))
                    .hasSize(1);
        }
    }

    @Test
    void aTargetMayNotBeNamedLikeTheScrapeLabel() throws IOException {
        Path config =
                Files.writeString(dir.resolve("steward.yaml"), "targets:\n  - name: scrape\n    uri: redis://h:1\n");
        Cli.Run run = Cli.run(Map.of(), "serve", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(config + ":2:5: targets[0].name: 'scrape' is the target label");
    }

    @Test
    void aBadAllowPatternIsNamedByItsPlace() throws IOException {
        Path config = Files.writeString(
                dir.resolve("steward.yaml"), "web:\n  scrape-allow:\n    - \"10.0.0.*:6379\"\n    - nohost\n");
        Cli.Run run = Cli.run(Map.of(), "serve", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(config + ":4:7: web.scrape-allow[1]: 'nohost' is not a HOST:PORT pattern");
    }

    @Test
    void patternsMatchHostAndPortWithWildcards() {
        HostPattern subnet = HostPattern.parse("10.0.0.*:6379", "test");
        assertThat(subnet.matches("10.0.0.5", 6379)).isTrue();
        assertThat(subnet.matches("10.0.1.5", 6379)).isFalse();
        assertThat(subnet.matches("10.0.0.5", 6380)).isFalse();
        HostPattern names = HostPattern.parse("cache-*.internal:*", "test");
        assertThat(names.matches("CACHE-1.internal", 7000)).isTrue();
        assertThat(names.matches("cache-1.internal.example.com", 7000)).isFalse();
        assertThat(names.matches("db-1.internal", 7000)).isFalse();
        assertThatThrownBy(() -> HostPattern.parse("10.0.0.5", "--web.scrape-allow"))
                .hasMessageStartingWith("--web.scrape-allow: '10.0.0.5' is not a HOST:PORT pattern");
    }

    /**
     * A plain TCP listener that keeps every byte it receives and answers each command with an error, so a client
     * that has credentials to send would go on to {@code AUTH}.
     */
    private static final class Recorder implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final AtomicInteger connections = new AtomicInteger();

        Recorder() throws IOException {
            Thread acceptor = new Thread(this::accept, "recorder");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        String received() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    connections.incrementAndGet();
                    Thread session = new Thread(() -> answer(client), "recorder-session");
                    session.setDaemon(true);
                    session.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Reads RESP arrays of bulk strings, the form every client command takes. */
        private void answer(Socket client) {
            try (client;
                    InputStream in = new BufferedInputStream(client.getInputStream());
                    OutputStream out = client.getOutputStream()) {
                for (String header = line(in); header != null; header = line(in)) {
                    int words = Integer.parseInt(header.substring(1));
                    for (int i = 0; i < words; i++) {
                        int length = Integer.parseInt(line(in).substring(1));
                        record(in.readNBytes(length + 2));
                    }
                    out.write("-ERR unknown command\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | RuntimeException gone) {
                // the client hung up, or sent something that is not RESP: what it sent is recorded
            }
        }

        private String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c != -1; c = in.read()) {
                line.write(c);
                if (c == '\n') {
                    byte[] bytes = line.toByteArray();
                    record(bytes);
                    return new String(bytes, StandardCharsets.UTF_8).strip();
                }
            }
            record(line.toByteArray());
            return null;
        }

        private void record(byte[] bytes) {
            synchronized (received) {
                received.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException failure) {
                throw new UncheckedIOException(failure);
            }
        }
    }
}
