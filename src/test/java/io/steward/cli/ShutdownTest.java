package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steward.testing.Http;
import io.steward.testing.RedisServer;
import io.steward.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code steward serve} as its own process, stopped the way service managers stop it: SIGTERM
 * ({@link Process#destroy()} on Linux). It says so in one line, stops, and exits 0, aborting a backup under way.
 */
class ShutdownTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    @Test
    void sigtermStopsTheAgentWithOneLineAndExitZero() throws Exception {
        Path log = dir.resolve("agent.log");
        try (RedisServer redis = RedisServer.start()) {
            Path config = Files.writeString(
                    dir.resolve("steward.yaml"), TestAgents.yaml(TestAgents.entry("cache", redis.uri())));
            ServeProcess agent = ServeProcess.start(config, log, Map.of());
            try {
                await().atMost(PATIENCE)
                        .ignoreExceptions()
                        .until(() -> Http.get(agent.base() + "/-/ready").statusCode() == 200);
            } finally {
                assertThat(agent.terminate()).as(read(log)).isZero();
            }
        }
        List<String> lines = read(log).lines().toList();
        assertThat(lines.stream().filter(line -> line.contains("steward stopping")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("INFO").endsWith("steward stopping on SIGTERM"));
        assertThat(lines.get(lines.size() - 1)).endsWith("steward stopped");
        assertThat(lines).noneMatch(line -> line.contains("ERROR") || line.contains("Exception"));
    }

    @Test
    void sigtermDuringAnUploadAbortsItAndLeavesNothingInTheStore() throws Exception {
        Path log = dir.resolve("agent.log");
        try (RedisServer redis = RedisServer.start();
                S3Server s3 = S3Server.start();
                StallingForwarder slowStore =
                        new StallingForwarder(s3.endpoint().getPort(), 1 << 20)) {
            s3.createBucket("backups");
            // 24 MiB of RDB that does not compress: three parts of 8 MiB, uploaded through a store that stalls.
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 24; i++) {
                byte[] noise = new byte[512 * 1024];
                random.nextBytes(noise);
                redis.commands().set("noise:" + i, HexFormat.of().formatHex(noise));
            }
            Path config = Cli.s3Config(
                    dir,
                    "http://127.0.0.1:" + slowStore.port(),
                    "backups",
                    "  compression: none\n"
                            + TestAgents.yaml(new StewardConfig.TargetEntry(
                                    "cache",
                                    redis.uri(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    new StewardConfig.Backup("* * * * * ?", null))));
            ServeProcess agent = ServeProcess.start(
                    config,
                    log,
                    Map.of(Cli.KEY_VARIABLE, S3Server.ACCESS_KEY, Cli.SECRET_VARIABLE, S3Server.SECRET_KEY));
            try {
                await().atMost(PATIENCE).until(slowStore::stalled);
            } finally {
                assertThat(agent.terminate()).as(read(log)).isZero();
            }
            try (S3Client client = s3.client()) {
                assertThat(client.listObjectsV2(list -> list.bucket("backups")).contents())
                        .isEmpty();
                assertThat(client.listMultipartUploads(list -> list.bucket("backups"))
                                .uploads())
                        .as("the multipart upload was aborted:\n" + read(log))
                        .isEmpty();
            }
        }
        String output = read(log);
        assertThat(output)
                .contains("steward stopping on SIGTERM")
                .containsPattern("aborting the upload of cache/\\S+/dump.rdb to s3://backups/redis")
                .containsPattern("scheduled backup of cache \\(127.0.0.1:\\d+\\) failed \\(store_error\\)");
        List<String> lines = output.lines().toList();
        assertThat(lines.get(lines.size() - 1)).endsWith("steward stopped");
    }

    /**
     * A TCP forwarder to the S3 server that stops passing on a connection's bytes once it has carried
     * {@code limit} of them towards the store: an upload that hangs part-way, while other requests go through.
     */
    private static final class StallingForwarder implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int storePort;
        private final long limit;
        private final CountDownLatch stalled = new CountDownLatch(1);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        StallingForwarder(int storePort, long limit) throws IOException {
            this.storePort = storePort;
            this.limit = limit;
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        boolean stalled() {
            return stalled.getCount() == 0;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket store = new Socket(InetAddress.getLoopbackAddress(), storePort);
                    sockets.add(client);
                    sockets.add(store);
                    daemon(() -> copy(client, store, limit));
                    daemon(() -> copy(store, client, Long.MAX_VALUE));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Copies until either side closes; past {@code stallAfter} bytes, stops reading and holds on. */
        private void copy(Socket from, Socket to, long stallAfter) {
            byte[] buffer = new byte[64 * 1024];
            long copied = 0;
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    copied += n;
                    if (copied > stallAfter) {
                        stalled.countDown();
                        new CountDownLatch(1).await(); // until close() interrupts nothing: the connection hangs
                    }
                }
            } catch (IOException | InterruptedException closed) {
                // one side hung up
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void daemon(Runnable work) {
            Thread thread = new Thread(work, "stalling-forwarder");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            sockets.forEach(StallingForwarder::closeQuietly);
        }
    }
}
