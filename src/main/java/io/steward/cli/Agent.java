package io.steward.cli;

import io.steward.collector.PollOptions;
import io.steward.collector.PollScheduler;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.diagnostics.Diagnosis;
import io.steward.diagnostics.DoctorMonitor;
import io.steward.diagnostics.Rules;
import io.steward.exporters.MetricsServer;
import io.steward.exporters.PrometheusExporter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The running agent: collector, doctor, scheduled backups and exporter, wired together. Closing it stops everything. */
public final class Agent implements AutoCloseable {

    /** Config values are refreshed every this many polls (5 minutes at the default 15 s interval). */
    static final int CONFIG_REFRESH_POLLS = 20;

    private final RedisConnector connector;
    private final PollScheduler collector;
    private final DoctorMonitor doctor;
    private final PrometheusExporter exporter;
    private final ScheduledBackups backups;
    private final int port;

    private Agent(
            RedisConnector connector,
            PollScheduler collector,
            DoctorMonitor doctor,
            PrometheusExporter exporter,
            ScheduledBackups backups,
            int port) {
        this.connector = connector;
        this.collector = collector;
        this.doctor = doctor;
        this.exporter = exporter;
        this.backups = backups;
        this.port = port;
    }

    /**
     * Starts polling the targets and serving HTTP.
     *
     * @param onDemandTarget turns a {@code /scrape?target=} value into a target, or throws
     *     {@link IllegalArgumentException}
     * @param doctorInterval how often the doctor diagnoses each target
     * @param backupSettings the backup schedule and storage; null or without schedules: no scheduled backups
     */
    static Agent start(
            List<Target> targets,
            InetSocketAddress listen,
            Duration connectTimeout,
            Function<String, Target> onDemandTarget,
            Duration doctorInterval,
            BackupSettings backupSettings) {
        Clock clock = Clock.systemUTC();
        PrometheusExporter exporter = new PrometheusExporter(BuildInfo.version());
        RedisConnector connector = new RedisConnector(connectTimeout);
        PollScheduler collector = new PollScheduler(
                targets,
                connector,
                exporter.registry(),
                clock,
                PollOptions.agent(CONFIG_REFRESH_POLLS).inspectingEvery(DoctorMonitor.INSPECTION_INTERVAL));
        exporter.exposeTargets(() -> collector.latest().values());
        DoctorMonitor doctor =
                new DoctorMonitor(targets, exporter.registry(), doctorInterval, new Diagnosis(Rules.standard()));
        collector.addListener(doctor::accept);
        MetricsServer.OnDemandPoller onDemand = uri -> {
            try (TargetPoller poller =
                    new TargetPoller(onDemandTarget.apply(uri), connector, clock, PollOptions.oneOff())) {
                return poller.poll();
            }
        };
        int port;
        try {
            port = exporter.serve(
                    listen,
                    onDemand,
                    () -> collector.latest().size() == collector.targets().size(),
                    doctor::status);
        } catch (IOException failure) {
            doctor.close();
            exporter.close();
            connector.close();
            String hint = failure instanceof BindException
                    ? " (is another agent running? choose another address with --web.listen-address)"
                    : "";
            throw new CouldNotRunException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": "
                    + failure.getMessage() + hint);
        }
        collector.start();
        ScheduledBackups backups =
                backupSettings == null || backupSettings.schedules().isEmpty()
                        ? null
                        : ScheduledBackups.start(backupSettings, connector, exporter.registry(), clock);
        return new Agent(connector, collector, doctor, exporter, backups, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (backups != null) {
            backups.close();
        }
        exporter.close();
        collector.close();
        doctor.close();
        connector.close();
    }
}
