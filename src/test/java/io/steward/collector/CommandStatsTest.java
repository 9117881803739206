package io.steward.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandStatsTest {

    private static final String EARLIER = "# Commandstats\r\n"
            + "cmdstat_get:calls=5,usec=10,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_info:calls=7,usec=70,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n"
            + "# Errorstats\r\nerrorstat_ERR:count=2\r\n"
            + "# Latencystats\r\nlatency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=4.015\r\n";
    private static final String LATER = "# Commandstats\r\n"
            + "cmdstat_set:calls=1,usec=3,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_get:calls=5,usec=10,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_info:calls=8,usec=80,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n"
            + "# Errorstats\r\nerrorstat_ERR:count=2\r\n"
            + "# Latencystats\r\nlatency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=4.015\r\n";

    @Test
    void aPollReadsTheSameFiguresWhateverItSharesWithThePreviousOne() {
        CommandStats earlier = CommandStats.from(InfoParser.parse(EARLIER));
        CommandStats later = CommandStats.from(InfoParser.parse(LATER), earlier);

        assertThat(later).isEqualTo(CommandStats.from(InfoParser.parse(LATER)));
        assertThat(later.commands().keySet()).containsExactly("set", "get", "info");
        assertThat(later.calls("info")).isEqualTo(8);
        assertThat(later.commands().get("get")).isSameAs(earlier.commands().get("get"));
        assertThat(later.latency().get("get")).isSameAs(earlier.latency().get("get"));
    }
}
