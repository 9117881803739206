package io.steward.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.steward.collector.PollOptions;
import io.steward.collector.PollScheduler;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.diagnostics.Diagnosis;
import io.steward.diagnostics.DoctorMonitor;
import io.steward.diagnostics.GroupDiagnosis;
import io.steward.diagnostics.GroupRules;
import io.steward.diagnostics.Rules;
import io.steward.exporters.PrometheusExporter;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * The running agent: collector, doctor, scheduled backups, exporter and HTTP server, wired together. Closing it
 * stops everything.
 */
public final class Agent implements AutoCloseable {

    /** Config values are refreshed every this many polls (5 minutes at the default 15 s interval). */
    static final int CONFIG_REFRESH_POLLS = 20;

    private final RedisConnector connector;
    private final PollScheduler collector;
    private final DoctorMonitor doctor;
    private final PrometheusExporter exporter;
    private final WebServer web;
    private final ScheduledBackups backups;

    private Agent(
            RedisConnector connector,
            PollScheduler collector,
            DoctorMonitor doctor,
            PrometheusExporter exporter,
            WebServer web,
            ScheduledBackups backups) {
        this.connector = connector;
        this.collector = collector;
        this.doctor = doctor;
        this.exporter = exporter;
        this.web = web;
        this.backups = backups;
    }

    /** Starts polling the targets, diagnosing them, backing them up on schedule and serving HTTP. */
    static Agent start(AgentSettings settings) {
        List<Target> targets = settings.targets();
        Clock clock = Clock.systemUTC();
        PrometheusExporter exporter = new PrometheusExporter(BuildInfo.version());
        RedisConnector connector = new RedisConnector(settings.timeout());
        PollScheduler collector = new PollScheduler(
                targets,
                connector,
                exporter.registry(),
                clock,
                PollOptions.agent(CONFIG_REFRESH_POLLS).inspectingEvery(DoctorMonitor.INSPECTION_INTERVAL));
        exporter.exposeTargets(() -> collector.latest().values(), collector::groups);
        collector.addListener(exporter::prepare);
        collector.onMemberLeft(exporter::forget);
        Diagnosis diagnosis = new Diagnosis(Rules.standard());
        DoctorMonitor doctor = new DoctorMonitor(
                targets,
                exporter.registry(),
                settings.doctorInterval(),
                diagnosis,
                CgroupMemory.ofThisMachine(),
                collector::groups,
                new GroupDiagnosis(GroupRules.standard(), diagnosis));
        collector.addListener(doctor::accept);
        collector.onMemberLeft(doctor::forget);
        Readiness readiness = new Readiness(targets, collector::latest, collector::groups);
        collector.addListener(readiness);
        OnDemandScrapes scrapes = new OnDemandScrapes(
                settings.scrape().withMembers(collector::memberAt),
                GroupSurveys.pollOnce(connector, clock),
                exporter.registry(),
                clock);
        InetSocketAddress listen = settings.listen();
        WebServer web;
        try {
            web = WebServer.start(
                    listen,
                    settings.web(),
                    WebConfigWatcher.DEFAULT_INTERVAL,
                    exporter,
                    scrapes,
                    readiness,
                    doctor::status,
                    new ServiceDiscovery(collector::groups));
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
        BackupSettings backupSettings = settings.backups();
        ScheduledBackups backups = backupSettings == null
                        || (backupSettings.schedules().isEmpty()
                                && backupSettings.drills().isEmpty())
                ? null
                : ScheduledBackups.start(backupSettings, connector, exporter.registry(), clock);
        return new Agent(connector, collector, doctor, exporter, web, backups);
    }

    public int port() {
        return web.port();
    }

    /** The registry every part of the agent records on, for a test that adds series as such a part would. */
    MeterRegistry registry() {
        return exporter.registry();
    }

    /**
     * Stops everything and closes every connection. A backup under way is aborted rather than finished, so nothing
     * partial stays in the store and stopping does not wait for an upload.
     */
    @Override
    public void close() {
        web.close();
        if (backups != null) {
            backups.abort();
        }
        collector.close();
        doctor.close();
        connector.close(); // also ends a backup that still waits for its BGSAVE
        if (backups != null) {
            backups.close();
        }
        exporter.close();
    }
}
