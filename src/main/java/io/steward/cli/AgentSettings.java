package io.steward.cli;

import io.steward.collector.Target;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What {@code steward serve} runs with, resolved and checked.
 *
 * @param timeout the connect timeout, and the command timeout of targets that give none
 * @param backups the backup schedule and storage; without schedules, no scheduled backups
 * @param scrape what {@code /scrape?target=} may poll, and with what credentials
 * @param web the web config (TLS, users, headers) as read at start, {@link WebConfig#NONE} without one
 */
record AgentSettings(
        List<Target> targets,
        InetSocketAddress listen,
        Duration timeout,
        Duration doctorInterval,
        BackupSettings backups,
        ScrapePolicy scrape,
        WebConfig web) {

    AgentSettings {
        targets = List.copyOf(targets);
    }
}
