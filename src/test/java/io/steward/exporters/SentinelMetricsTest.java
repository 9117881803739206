package io.steward.exporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.steward.collector.InfoParser;
import io.steward.collector.PollResult;
import io.steward.collector.Reading;
import io.steward.collector.ReplyParsers;
import io.steward.collector.SentinelState.MonitoredMaster;
import io.steward.collector.SentinelState.QuorumCheck;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.testing.Captures;
import io.steward.testing.RespReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Sentinel's view of a dead primary that none of its replicas can replace, as the exposition shows it. */
class SentinelMetricsTest {

    private static Object reply(String name) {
        return RespReader.read(Captures.text("redis-7.0/sentinel/" + name + ".resp"));
    }

    private static String metrics(Snapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init()
                .getPrometheusTextFormatWriter()
                .write(
                        out,
                        new RedisMetricsCollector(() -> List.of(new PollResult.Polled(snapshot)), List::of, false)
                                .collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final Target TARGET =
            new Target("s", RedisURI.create("redis://127.0.0.1:18001"), Duration.ofSeconds(15));

    private static Snapshot odownSentinel() {
        MonitoredMaster master = new MonitoredMaster(
                ReplyParsers.sentinelMasters(reply("odown-masters")).get(0),
                Reading.of(ReplyParsers.sentinelReplicas(reply("odown-replicas"))),
                Reading.of(ReplyParsers.sentinelPeers(reply("noquorum-sentinels"))),
                Reading.of(new QuorumCheck(false, "NOQUORUM 1 usable Sentinels. Not enough available Sentinels")));
        return Snapshot.builder(
                        TARGET, Instant.EPOCH, InfoParser.parse(Captures.text("redis-7.0/sentinel/odown-info.txt")))
                .sentinelMasters(Reading.of(List.of(master)))
                .sentinelConfig(Reading.of(ReplyParsers.sentinelConfig(List.of(
                        "announce-port", "0", "announce-ip", "", "sentinel-user", "", "sentinel-pass", "s3cret"))))
                .build();
    }

    @Test
    void aDownMasterIsStatusZeroWithItsStatusAndTheSentinelsAndReplicasThatAreOk() throws IOException {
        String master = "master_address=\"127.0.0.1:17001\",master_name=\"mymaster\"";
        assertThat(metrics(odownSentinel()))
                .contains("redis_sentinel_masters 1.0\n")
                .contains("redis_sentinel_tilt 0.0\n")
                .contains("redis_sentinel_master_status{" + master + ",master_status=\"odown\"} 0.0\n")
                .contains("redis_sentinel_master_slaves{" + master + "} 2.0\n")
                .contains("redis_sentinel_master_sentinels{" + master + "} 3.0\n")
                .contains("redis_sentinel_master_ok_sentinels{" + master + "} 1.0\n")
                .contains("redis_sentinel_master_ok_slaves{" + master + "} 1.0\n")
                .contains("redis_sentinel_master_ckquorum_status{master_name=\"mymaster\",message=\"NOQUORUM 1 usable"
                        + " Sentinels. Not enough available Sentinels\"} 0.0\n")
                .contains("redis_sentinel_master_setting_ckquorum{" + master + "} 2.0\n")
                .contains("redis_sentinel_master_setting_down_after_milliseconds{" + master + "} 1000.0\n")
                .contains("redis_sentinel_master_setting_failover_timeout{" + master + "} 10000.0\n")
                .contains("redis_sentinel_master_config_epoch{" + master + "} 2.0\n")
                .contains("redis_sentinel_master_last_ok_ping_reply_seconds{" + master + "} 4.747\n")
                .contains("redis_sentinel_master_failover_in_progress{" + master + "} 0.0\n");
    }

    @Test
    void eachReplicaAsTheSentinelSeesItAndEachPeer() throws IOException {
        String survivor = "master_address=\"127.0.0.1:17001\",master_name=\"mymaster\",slave_ip=\"127.0.0.2\","
                + "slave_port=\"17002\"";
        assertThat(metrics(odownSentinel()))
                .contains("redis_sentinel_master_slave_link_up{" + survivor + "} 0.0\n")
                .contains("redis_sentinel_master_slave_link_down_seconds{" + survivor + "} 4.0\n")
                .contains("redis_sentinel_master_slave_priority{" + survivor + "} 0.0\n")
                .contains("redis_sentinel_master_slave_repl_offset{" + survivor + "} 14135.0\n")
                .contains("redis_sentinel_master_slave_ok{" + survivor + "} 1.0\n")
                .contains("redis_sentinel_master_slave_ok{master_address=\"127.0.0.1:17001\",master_name=\"mymaster\","
                        + "slave_ip=\"127.0.0.3\",slave_port=\"17003\"} 0.0\n")
                .contains("flags=\"s_down,sentinel,disconnected,master_down\",ip=\"127.0.0.2\"");
    }

    @Test
    void theSentinelsSettingsWithoutItsPassword() throws IOException {
        assertThat(metrics(odownSentinel()))
                .contains("redis_sentinel_config_value{key=\"announce-port\"} 0.0\n")
                .contains("redis_sentinel_config_key_value{key=\"sentinel-user\",value=\"\"} 1.0\n")
                .doesNotContain("sentinel-pass")
                .doesNotContain("s3cret");
    }

    @Test
    void aDataServerHasNoSentinelFamilies() throws IOException {
        Snapshot primary = Snapshot.builder(
                        TARGET, Instant.EPOCH, InfoParser.parse(Captures.text("redis-7.0/info-all-primary.txt")))
                .build();
        assertThat(metrics(primary)).doesNotContain("redis_sentinel_");
    }
}
