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
import io.steward.collector.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The one place that knows Prometheus: a Micrometer registry that the rest of the agent records its own meters
 * on, the Redis series of the configured targets prepared as each poll ends ({@link PreparedExposition}), and their
 * exposition in the text format or OpenMetrics (as the client's {@code Accept} asks), gzipped for clients that
 * accept it. The agent's own meters change between polls and are few, so they are encoded per scrape and added to
 * the prepared bytes.
 */
public final class PrometheusExporter implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Map<PreparedExposition.Format, ExpositionFormatWriter> writers = Map.of(
            PreparedExposition.Format.TEXT, formats.getPrometheusTextFormatWriter(),
            PreparedExposition.Format.OPENMETRICS, formats.getOpenMetricsTextFormatWriter());
    private volatile PreparedExposition prepared;

    /** Threads that compress a large exposition in pieces; started only when one is that large. */
    private static final int COMPRESSING_THREADS =
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final ExecutorService compressors = Executors.newFixedThreadPool(COMPRESSING_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "steward-gzip");
        thread.setDaemon(true);
        return thread;
    });

    /** An exposition encoded for one client, written to it as it is: its Redis part is copied, not encoded. */
    public record Exposition(long length, Body body, String contentType, boolean gzipped) {
        public void writeTo(OutputStream out) throws IOException {
            body.writeTo(out);
        }
    }

    /** Writes an exposition's bytes. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

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
     * members with {@code node}), and what the agent knows of each group. Each poll should be handed to
     * {@link #prepare} as it ends, and each member that leaves to {@link #forget}.
     */
    public void exposeTargets(
            Supplier<? extends Collection<PollResult>> latest, Supplier<? extends Collection<GroupState>> groups) {
        prepared = new PreparedExposition(latest, groups, writers, compressors, COMPRESSING_THREADS);
    }

    /** Encodes a poll that just ended, so the scrapes until the next poll only send bytes. */
    public void prepare(PollResult result) {
        PreparedExposition targets = prepared;
        if (targets != null) {
            targets.prepare(result);
        }
    }

    /** Drops what was prepared for a group's member that left. */
    public void forget(Target member) {
        PreparedExposition targets = prepared;
        if (targets != null) {
            targets.forget(member);
        }
    }

    /**
     * Everything: the configured targets and the agent's own meters. Clients that accept OpenMetrics get it, all
     * others the text format.
     *
     * @param accept the client's {@code Accept} header, or null
     * @param acceptEncoding the client's {@code Accept-Encoding} header, or null
     */
    public Exposition metrics(String accept, String acceptEncoding) {
        PreparedExposition.Format format = accept != null
                        && writers.get(PreparedExposition.Format.OPENMETRICS).accepts(accept)
                ? PreparedExposition.Format.OPENMETRICS
                : PreparedExposition.Format.TEXT;
        ExpositionFormatWriter writer = writers.get(format);
        boolean gzip = acceptsGzip(acceptEncoding);
        byte[] own = plain(writer, registry.getPrometheusRegistry().scrape());
        PreparedExposition targets = prepared;
        if (targets == null) {
            return encode(writer, gzip, own);
        }
        if (gzip) {
            return gzipped(writer, targets.gzip(format), own);
        }
        PreparedExposition.Join join = targets.plain(format);
        return new Exposition(
                join.length() + own.length,
                out -> {
                    join.writeTo(out);
                    out.write(own);
                },
                writer.getContentType(),
                false);
    }

    /**
     * One on-demand poll of a server or of a group's members, without the {@code target} label (Prometheus
     * relabels) and without the agent's meters.
     */
    public Exposition onDemand(
            List<PollResult> results, List<GroupState> groups, String accept, String acceptEncoding) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        byte[] body = plain(writer, new RedisMetricsCollector(() -> results, () -> groups, false).collect());
        return encode(writer, acceptsGzip(acceptEncoding), body);
    }

    private static Exposition encode(ExpositionFormatWriter writer, boolean gzip, byte[] body) {
        if (!gzip) {
            return new Exposition(body.length, out -> out.write(body), writer.getContentType(), false);
        }
        return gzipped(writer, GzipJoin.head(List.of()), body);
    }

    /** One gzip member: the head as it is, then {@code tail} compressed and the trailer. */
    private static Exposition gzipped(ExpositionFormatWriter writer, GzipJoin.Head head, byte[] tail) {
        byte[] rest = GzipJoin.finish(head, tail);
        return new Exposition(
                head.bytes().length + rest.length,
                out -> {
                    out.write(head.bytes());
                    out.write(rest);
                },
                writer.getContentType(),
                true);
    }

    private static boolean acceptsGzip(String acceptEncoding) {
        return acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
    }

    private static byte[] plain(ExpositionFormatWriter writer, MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, snapshots);
        } catch (IOException impossible) {
            throw new UncheckedIOException("writing to memory failed", impossible);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        compressors.shutdownNow();
        registry.close();
    }
}
