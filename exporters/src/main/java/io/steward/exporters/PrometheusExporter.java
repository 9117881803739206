package io.steward.exporters;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.steward.collector.GroupState;
import io.steward.collector.PollResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The one place that knows Prometheus: a Micrometer registry that the rest of the agent records its own meters
 * on, the Redis series built from poll results at scrape time, and their exposition in the text format or
 * OpenMetrics (as the client's {@code Accept} asks), gzipped for clients that accept it.
 */
public final class PrometheusExporter implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpositionFormats formats = ExpositionFormats.init();

    /** An exposition encoded for one client, ready to send as it is. */
    public record Exposition(byte[] body, String contentType, boolean gzipped) {}

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

    /**
     * Exposes the latest poll results of the configured targets, labelled with {@code target} (and a group's
     * members with {@code node}), and what the agent knows of each group.
     */
    public void exposeTargets(
            Supplier<? extends Collection<PollResult>> latest, Supplier<? extends Collection<GroupState>> groups) {
        registry.getPrometheusRegistry().register(new RedisMetricsCollector(latest, groups, true));
    }

    /**
     * Everything the registry holds: the configured targets and the agent's own meters.
     *
     * @param accept the client's {@code Accept} header, or null
     * @param acceptEncoding the client's {@code Accept-Encoding} header, or null
     */
    public Exposition metrics(String accept, String acceptEncoding) {
        return encode(registry.getPrometheusRegistry().scrape(), accept, acceptEncoding);
    }

    /**
     * One on-demand poll of a server or of a group's members, without the {@code target} label (Prometheus
     * relabels) and without the agent's meters.
     */
    public Exposition onDemand(
            List<PollResult> results, List<GroupState> groups, String accept, String acceptEncoding) {
        return encode(new RedisMetricsCollector(() -> results, () -> groups, false).collect(), accept, acceptEncoding);
    }

    private Exposition encode(MetricSnapshots snapshots, String accept, String acceptEncoding) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        boolean gzip = acceptEncoding != null
                && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try (OutputStream out = gzip ? new FastGzip(body) : body) {
            writer.write(out, snapshots);
        } catch (IOException impossible) {
            throw new UncheckedIOException("writing to memory failed", impossible);
        }
        return new Exposition(body.toByteArray(), writer.getContentType(), gzip);
    }

    /** Metrics text compresses about eight times at the fastest level; higher levels cost more than they save. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
