package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.steward.testing.Captures;
import io.steward.testing.RespReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryStatsParserTest {

    @Test
    void readsTheFlatResp2ArrayWithRatiosAsText() {
        Object reply = RespReader.read(Captures.text("redis-7.0/memory-stats-primary.resp"));
        MemoryStats stats = MemoryStatsParser.parse(reply);
        assertThat(stats.values())
                .containsEntry("peak.allocated", 53954264.0)
                .containsEntry("keys.count", 285998.0)
                .containsEntry("fragmentation.bytes", 7813128.0);
        assertThat(stats.values().get("dataset.percentage"))
                .isCloseTo(67.201, org.assertj.core.data.Offset.offset(0.001));
        assertThat(stats.databases()).containsOnlyKeys("db.0", "db.1");
        assertThat(stats.databases().get("db.0")).containsEntry("overhead.hashtable.main", 15434224.0);
    }

    @Test
    void readsTheResp3MapWithDoubles() {
        Map<Object, Object> db0 = new LinkedHashMap<>();
        db0.put("overhead.hashtable.main", 72L);
        Map<Object, Object> reply = new LinkedHashMap<>();
        reply.put("peak.allocated", 1000L);
        reply.put("fragmentation", 1.5);
        reply.put("db.0", db0);
        MemoryStats stats = MemoryStatsParser.parse(reply);
        assertThat(stats.values()).containsEntry("peak.allocated", 1000.0).containsEntry("fragmentation", 1.5);
        assertThat(stats.databases().get("db.0")).containsEntry("overhead.hashtable.main", 72.0);
    }

    @Test
    void rejectsAReplyThatIsNotMemoryStats() {
        assertThatThrownBy(() -> MemoryStatsParser.parse(List.of("only-a-key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd number");
        assertThatThrownBy(() -> MemoryStatsParser.parse("OK")).isInstanceOf(IllegalArgumentException.class);
    }
}
