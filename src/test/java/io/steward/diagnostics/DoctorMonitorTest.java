package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.steward.collector.PollFailure;
import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's doctor over the poller's snapshots of the busy-primary capture: nothing but the snapshots feeds it. */
class DoctorMonitorTest {

    private static final String ACL_REFUSED =
            "ACL LIST refused: NOPERM this user has no permissions to run the 'acl|list' command";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DoctorMonitor monitor = new DoctorMonitor(
            List.of(DoctorCaptures.TARGET),
            registry,
            Duration.ofMinutes(1),
            new Diagnosis(Rules.standard()),
            MemoryLimits.UNKNOWN);

    @AfterEach
    void close() {
        monitor.close();
    }

    @Test
    void diagnosesAtTheSecondPollWithTheInspectionThatCameWithTheSnapshot() {
        List<Snapshot> polls =
                DoctorCaptures.builder().unavailable(Source.ACL, ACL_REFUSED).polls();

        monitor.accept(new PollResult.Polled(polls.get(0)));
        assertThat(monitor.status("cache-1")).containsInstanceOf(DoctorStatus.Pending.class);
        monitor.accept(new PollResult.Polled(polls.get(1)));
        Report report = awaitReport();

        assertThat(report.window())
                .isEqualTo(Duration.between(polls.get(0).time(), polls.get(1).time()));
        // The slow log of the capture is the inspection's; the ACL users' refusal is too.
        assertThat(report.findings()).extracting(Finding::id).contains("latency-slow-commands");
        assertThat(report.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.id()).isEqualTo("security-no-password");
            assertThat(skipped.reason()).isEqualTo(ACL_REFUSED);
        });
        assertThat(findingSeries())
                .containsExactlyInAnyOrderElementsOf(
                        report.findings().stream().map(Finding::id).toList());
    }

    @Test
    void withdrawsTheFindingsOfATargetWhosePollFails() {
        List<Snapshot> polls = DoctorCaptures.builder().polls();
        monitor.accept(new PollResult.Polled(polls.get(0)));
        monitor.accept(new PollResult.Polled(polls.get(1)));
        awaitReport();
        assertThat(findingSeries()).isNotEmpty();

        monitor.accept(new PollResult.Failed(
                DoctorCaptures.TARGET,
                polls.get(1).time().plusSeconds(15),
                PollFailure.CONNECT,
                "cannot connect to 10.0.0.5:6379"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> monitor.status("cache-1").orElseThrow() instanceof DoctorStatus.Down);
        assertThat(monitor.status("cache-1")).hasValue(new DoctorStatus.Down("cannot connect to 10.0.0.5:6379"));
        assertThat(findingSeries()).isEmpty();
    }

    private Report awaitReport() {
        DoctorStatus status = await().atMost(Duration.ofSeconds(10))
                .until(() -> monitor.status("cache-1").orElseThrow(), s -> s instanceof DoctorStatus.Diagnosed);
        return ((DoctorStatus.Diagnosed) status).report();
    }

    private List<String> findingSeries() {
        return registry.find("steward.doctor.finding").gauges().stream()
                .map(Gauge::getId)
                .map(id -> id.getTag("rule"))
                .toList();
    }
}
