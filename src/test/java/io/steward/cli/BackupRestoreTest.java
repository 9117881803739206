package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.steward.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore and verify as an operator meets them: nothing overwritten by surprise, nothing half-written. */
class BackupRestoreTest {

    private static RedisServer redis;

    @TempDir
    Path dir;

    private Path store;
    private String id;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().enableDebugCommand().start();
        redis.call("DEBUG", "POPULATE", "20000");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void takeABackup() {
        store = dir.resolve("store");
        Cli.Run run = cli("backup", "run", "--to", store.toString(), "--redis", redis.uri());
        assertThat(run.exitCode()).as(run.err()).isZero();
        id = run.backupId();
    }

    private Cli.Run cli(String... args) {
        return Cli.run(Map.of(), args);
    }

    private Cli.Run restore(Path to, String... more) {
        List<String> args = new java.util.ArrayList<>(
                List.of("backup", "restore", "--storage", store.toString(), id, "--to-dir", to.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anExistingDumpIsNotOverwrittenWithoutForce() throws IOException {
        Path target = Files.createDirectories(dir.resolve("data"));
        Files.writeString(target.resolve("dump.rdb"), "the operator's own file");
        Cli.Run refused = restore(target);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains(target.resolve("dump.rdb") + " exists; nothing was changed. Give --force");
        assertThat(Files.readString(target.resolve("dump.rdb"))).isEqualTo("the operator's own file");

        Cli.Run forced = restore(target, "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readAllBytes(target.resolve("dump.rdb"))).startsWith("REDIS0010".getBytes());
        assertThat(names(target)).containsExactly("dump.rdb");
    }

    @Test
    void anAppendOnlyDirectoryIsPointedOut() throws IOException {
        Path target = Files.createDirectories(dir.resolve("data").resolve("appendonlydir"))
                .getParent();
        Cli.Run run = restore(target);
        assertThat(run.exitCode()).isZero();
        assertThat(run.err())
                .contains("holds AOF files (appendonlydir or *.aof)")
                .contains("CONFIG SET appendonly yes");
    }

    @Test
    void anUnknownBackupIdIsAUsageError() {
        Cli.Run run = cli(
                "backup",
                "restore",
                "--storage",
                store.toString(),
                "20200101T000000Z-deadbeef",
                "--to-dir",
                dir.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("no backup '20200101T000000Z-deadbeef' in " + store.toUri())
                .contains("steward backup list shows the ids");
        assertThat(cli("backup", "verify", "--storage", store.toString(), "nonsense")
                        .exitCode())
                .isEqualTo(2);
    }

    @Test
    void aStoredObjectThatNoLongerMatchesItsManifestFailsVerifyAndRestore() throws IOException {
        Restores.damageTheStoredObject(store);

        Cli.Run verify = cli("backup", "verify", "--storage", store.toString(), "--latest");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("backup " + id).contains("does not match its manifest");

        Path target = dir.resolve("data");
        Cli.Run restore = restore(target);
        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err()).contains("does not match its manifest");
        assertThat(names(target)).isEmpty();
    }

    @Test
    void aFullDiskLeavesNothingBehind() throws IOException {
        Path target = Files.createDirectories(dir.resolve("data"));
        // The restore writes its temporary file through this link into /dev/full: every write fails with ENOSPC.
        Files.createSymbolicLink(target.resolve(".dump.rdb.restore-" + id), Path.of("/dev/full"));
        Cli.Run run = restore(target);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("cannot write the restored RDB in " + target + ": No space left on device;"
                        + " nothing was changed");
        assertThat(names(target)).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Cli.Run run = restore(file.resolve("sub"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot write the restored RDB in " + file.resolve("sub"));

        Cli.Run notADirectory = restore(file);
        assertThat(notADirectory.exitCode()).isEqualTo(2);
        assertThat(notADirectory.err()).contains("--to-dir: " + file + " is not a directory");
    }

    @Test
    void verifyChecksTheNewestBackupOfATarget() {
        Cli.Run run = cli(
                "backup", "verify", "--storage", store.toString(), "--latest", "--target", "127.0.0.1:" + redis.port());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("backup " + id + " of 127.0.0.1:" + redis.port() + " verified: RDB version 10");
    }
}
