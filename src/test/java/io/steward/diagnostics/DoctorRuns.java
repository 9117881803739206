package io.steward.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import io.steward.collector.PollOptions;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/** Runs the doctor against real redis-servers a test started, and finds findings in its reports. */
final class DoctorRuns implements AutoCloseable {

    private final RedisConnector connector = new RedisConnector(Duration.ofSeconds(2));

    /** One INFO sample: every rule but those that need rates. */
    Report examine(RedisServer server) throws Exception {
        return examine(target(server, null, null), Duration.ZERO, Doctor.SLEEP);
    }

    /** Two INFO samples; {@code inWindow} runs between them, on the server, in place of the wait. */
    Report examine(RedisServer server, Doctor.Pause inWindow) throws Exception {
        return examine(target(server, null, null), Duration.ofSeconds(1), inWindow);
    }

    /** As {@code steward doctor} examines a target: through a poller of its own, with the doctor's options. */
    Report examine(Target target, Duration sample, Doctor.Pause pause) throws Exception {
        try (TargetPoller poller = new TargetPoller(target, connector, Clock.systemUTC(), PollOptions.doctor())) {
            return new Doctor(pause, new Diagnosis(Rules.standard())).examine(poller::poll, sample);
        }
    }

    static Target target(RedisServer server, String username, String password) {
        RedisURI uri = RedisURI.create(server.uri());
        if (password != null) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(username, password.toCharArray()));
        }
        uri.setTimeout(Duration.ofSeconds(5));
        uri.setClientName("redis-steward"); // as the command line and the agent name their connections
        return new Target("test", uri, Duration.ofSeconds(15));
    }

    /** The finding of a rule; fails with the whole report when the rule did not fire. */
    static Finding finding(Report report, String rule) {
        Optional<Finding> found =
                report.findings().stream().filter(f -> f.id().equals(rule)).findFirst();
        if (found.isEmpty()) {
            fail("no finding " + rule + " in:\n" + new TextReport(false).render(report));
        }
        return found.get();
    }

    static void assertNoFinding(Report report, String rule) {
        assertThat(report.findings().stream().map(Finding::id).collect(Collectors.toList()))
                .as(new TextReport(false).render(report))
                .doesNotContain(rule);
    }

    /** Evidence and remedy of a finding as one text, for assertions on the numbers it names. */
    static String text(Finding finding) {
        return finding.title() + "\n" + String.join("\n", finding.evidence()) + "\n" + finding.remedy();
    }

    @Override
    public void close() {
        connector.close();
    }
}
