package io.steward.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.steward.collector.Collector;
import io.steward.collector.RedisConnector;
import io.steward.collector.Target;
import io.steward.collector.TargetPoller;
import io.steward.exporters.MetricsServer;
import io.steward.exporters.RedisMetricsCollector;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The running agent: collector, registry and HTTP server, wired together. Closing it stops everything. */
public final class Agent implements AutoCloseable {

    /** Config values are refreshed every this many polls (5 minutes at the default 15 s interval). */
    static final int CONFIG_REFRESH_POLLS = 20;

    private final RedisConnector connector;
    private final Collector collector;
    private final MetricsServer server;

    private Agent(RedisConnector connector, Collector collector, MetricsServer server) {
        this.connector = connector;
        this.collector = collector;
        this.server = server;
    }

    /**
     * Starts polling the targets and serving HTTP.
     *
     * @param onDemandTarget turns a {@code /scrape?target=} value into a target, or throws
     *     {@link IllegalArgumentException}
     */
    public static Agent start(List<Target> targets, InetSocketAddress listen, Duration timeout,
            Function<String, Target> onDemandTarget) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("steward.build.info", () -> 1).description("The agent's version")
                .tag("version", BuildInfo.version()).strongReference(true).register(registry);
        RedisConnector connector = new RedisConnector(timeout);
        Clock clock = Clock.systemUTC();
        Collector collector = new Collector(targets, connector, registry, clock, CONFIG_REFRESH_POLLS);
        registry.getPrometheusRegistry().register(new RedisMetricsCollector(() -> collector.latest().values(), true));
        MetricsServer.OnDemandPoller onDemand = uri -> {
            try (TargetPoller poller = new TargetPoller(onDemandTarget.apply(uri), connector, clock, 1)) {
                return poller.poll();
            }
        };
        MetricsServer server;
        try {
            server = new MetricsServer(listen, registry.getPrometheusRegistry(), onDemand,
                    () -> collector.latest().size() == collector.targets().size());
        } catch (BindException inUse) {
            connector.close();
            throw new CouldNotRunException("cannot listen on " + describe(listen) + ": " + inUse.getMessage()
                    + " (is another agent running? choose another with --web.listen-address)");
        } catch (IOException failure) {
            connector.close();
            throw new CouldNotRunException("cannot listen on " + describe(listen) + ": " + failure.getMessage());
        }
        server.start();
        collector.start();
        return new Agent(connector, collector, server);
    }

    private static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return server.port();
    }

    public Collector collector() {
        return collector;
    }

    @Override
    public void close() {
        server.close();
        collector.close();
        connector.close();
    }
}
