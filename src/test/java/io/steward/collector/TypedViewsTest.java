package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steward.testing.Captures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nested INFO values and structured CONFIG values, typed once, on real Redis 7.0 captures. */
class TypedViewsTest {

    private static final RedisInfo PRIMARY = InfoParser.parse(Captures.text("redis-7.0/info-all-primary.txt"));
    private static final RedisInfo REPLICA = InfoParser.parse(Captures.text("redis-7.0/info-all-replica.txt"));

    @Test
    void keyspaceListsEachDatabaseWithItsKeysExpiresAndAverageTtl() {
        Keyspace keyspace = Keyspace.from(PRIMARY);
        assertThat(keyspace.databases())
                .containsExactly(new Keyspace.Database(0, 280998, 2000, 3518540), new Keyspace.Database(1, 5000, 0, 0));
        assertThat(keyspace.totalKeys()).isEqualTo(285998);
        assertThat(keyspace.database(1).orElseThrow().name()).isEqualTo("db1");
        assertThat(keyspace.database(2)).isEmpty();
    }

    @Test
    void aPrimaryListsItsReplicasWithOffsetAndLag() {
        Replication replication = Replication.from(PRIMARY);
        assertThat(replication.role()).isEqualTo(Role.PRIMARY);
        assertThat(replication.offset()).hasValue(13075818);
        assertThat(replication.primary()).isEmpty();
        assertThat(replication.replicas()).singleElement().satisfies(link -> {
            assertThat(link.address()).isEqualTo("127.0.0.1:16380");
            assertThat(link.online()).isTrue();
            assertThat(link.offset()).hasValue(13075818);
            assertThat(link.lagSeconds()).hasValue(0);
        });
    }

    @Test
    void aReplicaKnowsItsPrimaryAndItsLink() {
        Replication replication = Replication.from(REPLICA);
        assertThat(replication.role()).isEqualTo(Role.REPLICA);
        assertThat(replication.replicas()).isEmpty();
        Replication.PrimaryLink primary = replication.primary().orElseThrow();
        assertThat(primary.address()).isEqualTo("127.0.0.1:16379");
        assertThat(primary.up()).isTrue();
        assertThat(primary.offset()).hasValue(13075818);
        assertThat(primary.readOnly()).hasValue(true);
    }

    @Test
    void commandErrorAndLatencyStatsAreTypedPerCommand() {
        CommandStats stats = CommandStats.from(PRIMARY);
        CommandStats.Command get = stats.commands().get("get");
        assertThat(get.calls()).isEqualTo(50000);
        assertThat(get.usec()).isEqualTo(46088);
        assertThat(get.rejectedCalls()).hasValue(0);
        assertThat(stats.calls("never-called")).isZero();
        assertThat(stats.errors()).containsEntry("ERR", 1L).containsEntry("WRONGTYPE", 1L);
        assertThat(stats.latency().get("get"))
                .containsEntry(0.5, 1.003)
                .containsEntry(0.99, 2.007)
                .containsEntry(0.999, 4.015);
    }

    @Test
    void aMalformedNumberLeavesItsLineOutRatherThanBecomingZero() {
        RedisInfo info =
                InfoParser.parse("# Keyspace\r\ndb0:keys=ten,expires=0,avg_ttl=0\r\ndb1:keys=3,expires=0,avg_ttl=0\r\n"
                        + "# Commandstats\r\ncmdstat_get:calls=x,usec=1\r\ncmdstat_set:calls=2,usec=5\r\n");
        assertThat(Keyspace.from(info).databases())
                .extracting(Keyspace.Database::index)
                .containsExactly(1);
        assertThat(CommandStats.from(info).commands()).containsOnlyKeys("set");
        assertThat(Numbers.wholeNumber("12x")).isEmpty();
        assertThat(Numbers.number("NaN")).isEmpty();
    }

    @Test
    void outputBufferLimitsAndSavePointsAreReadFromTheRealConfig() throws Exception {
        Map<String, String> values = new ObjectMapper()
                .readValue(Captures.text("redis-7.0/doctor/config.json"), new TypeReference<Map<String, String>>() {});
        ServerConfig config = new ServerConfig(values);
        assertThat(config.outputBufferLimits())
                .containsEntry("normal", new ServerConfig.OutputBufferLimit(0, 0, 0))
                .containsEntry("replica", new ServerConfig.OutputBufferLimit(2097152, 1048576, 60))
                .containsEntry("pubsub", new ServerConfig.OutputBufferLimit(33554432, 8388608, 60));
        assertThat(config.savePoints())
                .containsExactly(new ServerConfig.SavePoint(3600, 1), new ServerConfig.SavePoint(300, 100));
        assertThat(config.isYes("stop-writes-on-bgsave-error")).isTrue();
    }

    @Test
    void theOneParameterListNeverAsksForSecrets() {
        assertThat(ServerConfig.PARAMETERS)
                .doesNotContain("requirepass", "masterauth")
                .doesNotHaveDuplicates();
    }
}
