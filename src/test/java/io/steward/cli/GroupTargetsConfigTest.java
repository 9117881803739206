package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.steward.collector.Group;
import io.steward.collector.Member;
import io.steward.collector.Role;
import io.steward.collector.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sentinel groups and clusters as the config file and the command line give them. */
class GroupTargetsConfigTest {

    @TempDir
    Path dir;

    private List<Target> targets(String yaml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("steward.yaml"), yaml);
        return Settings.load(env, file).configuredTargets(Duration.ofSeconds(2));
    }

    private static String password(RedisURI uri) {
        RedisCredentials credentials =
                uri.getCredentialsProvider().resolveCredentials().block();
        return credentials == null || !credentials.hasPassword() ? null : new String(credentials.getPassword());
    }

    @Test
    void aSentinelUriIsAGroupNamedAfterItsMasterWithEverySentinelAsAnEntryPoint() throws IOException {
        Target group = targets(
                        "targets:\n  - uri: redis-sentinel://127.0.0.1:26379,127.0.0.2:26380,127.0.0.3#mymaster\n",
                        Map.of())
                .get(0);
        assertThat(group.name()).isEqualTo("mymaster");
        assertThat(group.group()).isInstanceOf(Group.Sentinel.class);
        Group.Sentinel sentinel = (Group.Sentinel) group.group();
        assertThat(sentinel.masterName()).isEqualTo("mymaster");
        assertThat(sentinel.entryPoints()).containsExactly("127.0.0.1:26379", "127.0.0.2:26380", "127.0.0.3:26379");
        assertThat(group.toString()).isEqualTo("mymaster (127.0.0.1:26379,127.0.0.2:26380,127.0.0.3:26379#mymaster)");
    }

    @Test
    void theSentinelsGetTheirOwnCredentialsAndTheDataNodesTheGroups() throws IOException {
        Target group = targets("""
                        targets:
                          - name: sessions
                            uri: redis-sentinel://127.0.0.1:26379#mymaster
                            password-env: DATA_PASSWORD
                            sentinel-password-env: SENTINEL_PASSWORD
                        """, Map.of("DATA_PASSWORD", "data-secret", "SENTINEL_PASSWORD", "sentinel-secret"))
                .get(0);
        Target sentinel = group.member(new Member("127.0.0.2:26379", Member.Kind.SENTINEL, Role.UNKNOWN, ""));
        Target replica = group.member(new Member("127.0.0.3:6380", Member.Kind.DATA, Role.REPLICA, "mymaster"));
        assertThat(password(sentinel.uri())).isEqualTo("sentinel-secret");
        assertThat(password(replica.uri())).isEqualTo("data-secret");
        assertThat(replica.name()).isEqualTo("sessions");
        assertThat(replica.node()).isEqualTo("127.0.0.3:6380");
        assertThat(replica.uri().getHost()).isEqualTo("127.0.0.3");
        assertThat(replica.uri().getPort()).isEqualTo(6380);
        assertThat(replica.uri().getClientName()).isEqualTo("redis-steward");
        assertThat(replica.toString() + group + sentinel).doesNotContain("secret");
    }

    @Test
    void aClusterTakesItsSeedsFromTheUriAndFromSeeds() throws IOException {
        List<Target> targets = targets("""
                targets:
                  - name: orders
                    cluster: true
                    uri: redis://127.0.0.1:7000,127.0.0.2:7001
                  - cluster: true
                    seeds: [redis://127.0.0.3:7002, "127.0.0.1:7003"]
                """, Map.of());
        assertThat(targets.get(0).group()).isEqualTo(new Group.Cluster(List.of("127.0.0.1:7000", "127.0.0.2:7001")));
        assertThat(targets.get(1).name()).isEqualTo("127.0.0.3:7002");
        assertThat(targets.get(1).group().entryPoints()).containsExactly("127.0.0.3:7002", "127.0.0.1:7003");
    }

    @Test
    void aSentinelUriWithoutAMasterNameSaysHowToNameIt() {
        assertThatThrownBy(() -> targets("targets:\n  - uri: redis-sentinel://127.0.0.1:26379\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0].uri")
                .hasMessageContaining("names no master")
                .hasMessageContaining("#mymaster");
    }

    @Test
    void severalHostsWithoutClusterTrueAreCalledASeedList() {
        assertThatThrownBy(() -> targets("targets:\n  - uri: redis://127.0.0.1:7000,127.0.0.2:7000\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0].uri")
                .hasMessageContaining("cluster: true");
    }

    @Test
    void seedsWithoutClusterTrueAreRefused() {
        assertThatThrownBy(() -> targets("targets:\n  - seeds: [redis://127.0.0.1:7000]\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0]");
        assertThatThrownBy(() -> targets(
                        "targets:\n  - uri: redis://127.0.0.1:7000\n    seeds: [redis://127.0.0.2:7000]\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("targets[0].seeds")
                .hasMessageContaining("cluster: true");
    }

    @Test
    void sentinelCredentialsOnAPlainServerAreRefused() {
        assertThatThrownBy(() -> targets(
                        "targets:\n  - uri: redis://127.0.0.1:6380\n    sentinel-password-env: X\n", Map.of("X", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis-sentinel://");
    }

    @Test
    void theCommandLineTakesSentinelUrisAndClusterSeeds() {
        Cli.Run sentinelAsCluster = Cli.run(Map.of(), "doctor", "--cluster", "redis-sentinel://127.0.0.1:1#mymaster");
        assertThat(sentinelAsCluster.exitCode()).isEqualTo(2);
        assertThat(sentinelAsCluster.err()).contains("--cluster takes redis:// seeds");
        Cli.Run seedsWithoutCluster = Cli.run(Map.of(), "doctor", "redis://127.0.0.1:1,127.0.0.2:1");
        assertThat(seedsWithoutCluster.exitCode()).isEqualTo(2);
        assertThat(seedsWithoutCluster.err()).contains("--cluster");
    }
}
