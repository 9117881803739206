package io.steward.diagnostics;

import static io.steward.diagnostics.DoctorRuns.finding;
import static io.steward.diagnostics.DoctorRuns.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.collector.InfoParser;
import io.steward.testing.RawClient;
import io.steward.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client rules against real servers with crowds of connections, clients that never read, and bad requests. */
class ClientDoctorTest {

    private final DoctorRuns doctor = new DoctorRuns();
    private final List<RawClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(RawClient::close);
        doctor.close();
    }

    @Test
    void warnsWhenConnectionsNearMaxclients() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxclients", "100").start()) {
            connect(server, 95);
            await().atMost(Duration.ofSeconds(5)).until(() -> info(server, "connected_clients") >= 95);

            Finding finding = finding(doctor.examine(server), "clients-near-maxclients");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.title()).endsWith("of 100 client connections in use: new ones will be refused");
            assertThat(finding.remedy()).contains("CONFIG SET maxclients 1000", "ulimit -n");
        }
    }

    @Test
    void warnsAboutConnectionsRefusedDuringTheSample() throws Exception {
        try (RedisServer server =
                RedisServer.builder().option("maxclients", "20").start()) {
            info(server, "rejected_connections"); // the test's own connection, opened before the slots run out
            Report report = doctor.examine(server, sample -> {
                connect(server, 25);
                await().atMost(Duration.ofSeconds(5)).until(() -> info(server, "rejected_connections") >= 1);
            });

            Finding finding = finding(report, "clients-rejected");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("rejected_connections grew by", "maxclients 20");
        }
    }

    @Test
    void namesTheClientThatDoesNotReadItsReplies() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.commands().set("big", "v".repeat(1024 * 1024));
            RawClient flooding = connect(server, 1).get(0).send("CLIENT SETNAME flooder");
            for (int i = 0; i < 40; i++) {
                flooding.send("GET big");
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.commands()
                            .clientList()
                            .lines()
                            .anyMatch(line -> line.contains("name=flooder") && omem(line) > 16 * 1024 * 1024));

            Report report = doctor.examine(server);
            Finding buffers = finding(report, "clients-output-buffers");
            assertThat(buffers.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(buffers)).contains("name flooder, last command get").containsPattern("CLIENT KILL ID \\d+");
            Finding memory = finding(report, "clients-memory");
            assertThat(memory.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(memory)).contains("mem_clients_normal");
        }
    }

    @Test
    void notesBlockedClients() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            connect(server, 1).get(0).send("BLPOP jobs 0");
            await().atMost(Duration.ofSeconds(5)).until(() -> info(server, "blocked_clients") == 1);

            Finding finding = finding(doctor.examine(server), "clients-blocked");
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.title()).isEqualTo("1 client blocked, waiting for data");
        }
    }

    @Test
    void classifiesTheErrorsClientsGetBack() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            info(server, "total_error_replies"); // the test's own connection and its handshake, outside the sample
            Report report = doctor.examine(server, sample -> {
                RawClient sloppy = connect(server, 1).get(0);
                for (int i = 0; i < 50; i++) {
                    sloppy.send("NOSUCHCOMMAND " + i);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> info(server, "total_error_replies") >= 50);
            });

            Finding finding = finding(report, "clients-error-replies");
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(text(finding)).contains("errorstat_ERR +50", "ERR: generic errors: unknown commands");
        }
    }

    private List<RawClient> connect(RedisServer server, int count) {
        List<RawClient> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(new RawClient(server.port()));
        }
        clients.addAll(opened);
        return opened;
    }

    private static double info(RedisServer server, String field) {
        return InfoParser.parse(server.commands().info("everything"))
                .number(field)
                .orElse(0);
    }

    private static long omem(String clientListLine) {
        for (String pair : clientListLine.split(" ")) {
            if (pair.startsWith("omem=")) {
                return Long.parseLong(pair.substring(5));
            }
        }
        return 0;
    }
}
