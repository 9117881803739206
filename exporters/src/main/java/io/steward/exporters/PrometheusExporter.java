package io.steward.exporters;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.steward.collector.PollResult;
import io.steward.diagnostics.DoctorStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place that knows Prometheus: a Micrometer registry that the rest of the agent records its own meters
 * on, the Redis series built from poll results at scrape time, and the HTTP server that serves both.
 */
public final class PrometheusExporter implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private MetricsServer server;

    public PrometheusExporter(String version) {
        Gauge.builder("steward.build.info", () -> 1)
                .description("The agent's version")
                .tag("version", version)
                .strongReference(true)
                .register(registry);
    }

    /** Where the collector, backups and the doctor record their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Exposes the latest poll results of the configured targets, labelled with {@code target}. */
    public void exposeTargets(Supplier<? extends Collection<PollResult>> latest) {
        registry.getPrometheusRegistry().register(new RedisMetricsCollector(latest, true));
    }

    /**
     * Starts the HTTP server; throws {@link java.net.BindException} when the address is taken.
     *
     * @param doctor the doctor's state of a target by name, empty for an unknown name
     */
    public int serve(
            InetSocketAddress address,
            MetricsServer.OnDemandPoller onDemand,
            BooleanSupplier ready,
            Function<String, Optional<DoctorStatus>> doctor)
            throws IOException {
        server = new MetricsServer(address, registry.getPrometheusRegistry(), onDemand, ready, doctor);
        server.start();
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }
}
