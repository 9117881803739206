package io.steward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    @Test
    void theStartLineNamesAFewTargetsInFull() {
        assertThat(ServeCommand.listed(List.of("a (h:1)", "b (h:2)"))).isEqualTo("[a (h:1), b (h:2)]");
    }

    @Test
    void theStartLineOfAFleetNamesTheFirstTenAndCountsTheRest() {
        List<String> fleet = IntStream.range(0, 1000).mapToObj(i -> "t" + i).toList();

        assertThat(ServeCommand.listed(fleet)).isEqualTo("[t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and 990 more]");
    }
}
