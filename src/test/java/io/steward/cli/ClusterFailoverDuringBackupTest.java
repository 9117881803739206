package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.backup.BackupCatalog;
import io.steward.backup.BackupException;
import io.steward.backup.BackupFailure;
import io.steward.backup.BackupMetrics;
import io.steward.backup.BackupOptions;
import io.steward.backup.BackupRunner;
import io.steward.backup.Compression;
import io.steward.backup.FileBackupLock;
import io.steward.backup.FileStore;
import io.steward.backup.Progress;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetUri;
import io.steward.collector.TlsFiles;
import io.steward.testing.RedisCluster;
import io.steward.testing.RedisServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failover in a cluster while its backup set is taken: the set is not kept, and the message says to run it again. */
class ClusterFailoverDuringBackupTest {

    @TempDir
    Path dir;

    @Test
    void aFailoverWhileTheSetIsTakenLeavesNothingListedAndSaysToRunTheBackupAgain() {
        try (RedisCluster cluster = RedisCluster.start();
                RedisConnector connector = new RedisConnector(Duration.ofSeconds(2))) {
            ClusterBackupSetTest.fill(cluster);
            RedisServer demoted = cluster.primaries().get(2);
            RedisServer promoted = cluster.replicaOf(demoted);
            // The first shard's upload has begun, after the survey that chose every shard's node: fail one over now.
            AtomicBoolean failedOver = new AtomicBoolean();
            Progress failoverOnFirstUpload = (phase, done, total) -> {
                if (phase == Progress.Phase.UPLOADING && failedOver.compareAndSet(false, true)) {
                    cluster.failover(promoted);
                }
            };
            Path store = dir.resolve("store");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            BackupRunner runner = new BackupRunner(
                    connector::openSaveControl,
                    GroupSurveys.polledBy(connector, Clock.systemUTC()),
                    new FileStore(store),
                    Compression.ZSTD,
                    new BackupMetrics(registry),
                    Clock.systemUTC(),
                    new FileBackupLock(dir),
                    "test");
            Target shop = TargetUri.parse(cluster.seedUri())
                    .cluster(
                            "shop",
                            List.of(),
                            TargetUri.Login.NONE,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(15),
                            TlsFiles.NONE);
            BackupOptions oneShardAtATime = new BackupOptions(
                    Duration.ofSeconds(30),
                    BackupOptions.Source.AUTO,
                    BackupOptions.Prefer.REPLICA,
                    BackupOptions.DEFAULT_MAX_LAG,
                    1,
                    false);

            BackupException failure = catchThrowableOfType(
                    () -> runner.run(shop, oneShardAtATime, failoverOnFirstUpload), BackupException.class);

            assertThat(failedOver).isTrue();
            assertThat(failure.reason()).isEqualTo(BackupFailure.FAILOVER);
            assertThat(failure.getMessage())
                    .contains("a failover happened in shop")
                    .contains("was served by " + demoted.address() + ", now by " + promoted.address())
                    .endsWith("the set was not kept: run the backup again");
            assertThat(new BackupCatalog(new FileStore(store)).list(Optional.empty()))
                    .isEmpty();
            assertThat(ClusterBackupSetTest.filesIn(store)).isEmpty();
            assertThat(registry.get("steward.backup.failures")
                            .tag("target", "shop")
                            .tag("reason", "failover")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }
    }
}
