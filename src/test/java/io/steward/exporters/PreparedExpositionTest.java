package io.steward.exporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.steward.collector.InfoParser;
import io.steward.collector.MemoryStatsParser;
import io.steward.collector.PollFailure;
import io.steward.collector.PollResult;
import io.steward.collector.Reading;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.testing.Captures;
import io.steward.testing.Promtool;
import io.steward.testing.RespReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** /metrics served from bytes prepared as each poll ends, checked against encoding everything at once. */
class PreparedExpositionTest {

    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private final List<PollResult> latest = new CopyOnWriteArrayList<>();
    private final PrometheusExporter exporter = new PrometheusExporter("1.2.3");

    PreparedExpositionTest() {
        exporter.exposeTargets(() -> latest, List::of);
    }

    @Test
    void servesTheSameSeriesAsEncodingEveryTargetTogether() throws IOException {
        pollAll(
                polled("cache-1", "redis-7.0/info-all-primary.txt"),
                polled("cache-2", "redis-7.0/info-all-replica.txt"),
                failed("cache-3"));
        for (String accept : new String[] {null, OPENMETRICS}) {
            String prepared = body(exporter.metrics(accept, null));
            String together = together(accept);
            assertThat(lines(prepared)).containsExactlyInAnyOrderElementsOf(lines(together));
        }
    }

    @Test
    void writesEachFamilyOnceWithTheSamplesOfEveryTarget() throws Exception {
        pollAll(
                polled("cache-1", "redis-7.0/info-all-primary.txt"),
                polled("cache-2", "redis-7.0/info-all-replica.txt"),
                failed("cache-3"));
        String text = body(exporter.metrics(null, null));
        // promtool refuses an exposition that has a family in two places
        assertThat(Promtool.checkMetrics(text)).noneMatch(problem -> problem.contains("second"));
        assertThat(text).containsOnlyOnce("# TYPE redis_up gauge\n");
        assertThat(text)
                .contains(
                        "redis_up{target=\"cache-1\"} 1.0\nredis_up{target=\"cache-2\"} 1.0\nredis_up{target=\"cache-3\"} 0.0\n");
        String openMetrics = body(exporter.metrics(OPENMETRICS, null));
        assertThat(openMetrics).containsOnlyOnce("# EOF\n").endsWith("# EOF\n");
        assertThat(openMetrics)
                .contains("# TYPE steward_build info\n")
                .contains("steward_build_info{version=\"1.2.3\"} 1\n");
    }

    @Test
    void gzipOfThePreparedBytesDecodesToThePlainExposition() throws IOException {
        pollAll(polled("cache-1", "redis-7.0/info-all-primary.txt"), failed("cache-3"));
        for (String accept : new String[] {null, OPENMETRICS}) {
            PrometheusExporter.Exposition zipped = exporter.metrics(accept, "gzip, deflate");
            assertThat(zipped.gzipped()).isTrue();
            assertThat(gunzip(zipped)).isEqualTo(body(exporter.metrics(accept, null)));
        }
    }

    @Test
    void aGzipScrapeBetweenTwoPollsSendsTheBytesCompressedBeforeAndTheNextPollIsServedAtOnce() throws IOException {
        var formats = ExpositionFormats.init();
        PreparedExposition prepared = new PreparedExposition(
                () -> latest,
                List::of,
                Map.of(
                        PreparedExposition.Format.TEXT, formats.getPrometheusTextFormatWriter(),
                        PreparedExposition.Format.OPENMETRICS, formats.getOpenMetricsTextFormatWriter()),
                java.util.concurrent.Executors.newSingleThreadExecutor(),
                2);
        latest.addAll(List.of(polled("cache-1", "redis-7.0/info-all-primary.txt"), failed("cache-2")));
        latest.forEach(prepared::prepare);
        GzipJoin.Head first = prepared.gzip(PreparedExposition.Format.TEXT);
        assertThat(prepared.gzip(PreparedExposition.Format.TEXT)).isSameAs(first);

        PollResult back = polled("cache-2", "redis-7.0/info-all-replica.txt");
        latest.set(1, back);
        prepared.prepare(back);
        assertThat(prepared.gzip(PreparedExposition.Format.TEXT)).isNotSameAs(first);
        exporter.prepare(back);
        assertThat(gunzip(exporter.metrics(null, "gzip"))).contains("redis_up{target=\"cache-2\"} 1.0\n");
    }

    @Test
    void theAgentsOwnMetersAreCurrentInEveryScrapeEvenWithoutANewPoll() throws IOException {
        pollAll(polled("cache-1", "redis-7.0/info-all-primary.txt"));
        var scrapes = exporter.registry().counter("steward.test.scrapes");
        scrapes.increment();
        assertThat(gunzip(exporter.metrics(null, "gzip"))).contains("steward_test_scrapes_total 1.0\n");
        scrapes.increment();
        assertThat(gunzip(exporter.metrics(null, "gzip"))).contains("steward_test_scrapes_total 2.0\n");
    }

    @Test
    void joinedCrcEqualsTheCrcOfTheWholeInput() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            byte[] head = new byte[random.nextInt(3000)];
            byte[] tail = new byte[random.nextInt(3000)];
            random.nextBytes(head);
            random.nextBytes(tail);
            CRC32 whole = new CRC32();
            whole.update(head);
            whole.update(tail);
            assertThat(GzipJoin.combine(crc(head), crc(tail), tail.length)).isEqualTo(whole.getValue());
        }
    }

    @Test
    void aLargeExpositionCompressedInPiecesDecodesToThePlainOne() throws IOException {
        for (int i = 0; i < 60; i++) {
            latest.add(polled("cache-" + i, "redis-7.0/info-all-primary.txt"));
        }
        latest.forEach(exporter::prepare);
        String plain = body(exporter.metrics(null, null));
        assertThat(plain.length()).as("large enough to be compressed in pieces").isGreaterThan(1 << 20);
        assertThat(gunzip(exporter.metrics(null, "gzip"))).isEqualTo(plain);
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private void pollAll(PollResult... results) {
        latest.addAll(List.of(results));
        for (PollResult result : results) {
            exporter.prepare(result);
        }
    }

    /** The exposition of the same results and the agent's meters, each encoded by the library in one go. */
    private String together(String accept) throws IOException {
        var formats = ExpositionFormats.init();
        var writer =
                accept == null ? formats.getPrometheusTextFormatWriter() : formats.getOpenMetricsTextFormatWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, new RedisMetricsCollector(() -> latest, List::of, true).collect());
        writer.write(
                out,
                ((PrometheusMeterRegistry) exporter.registry())
                        .getPrometheusRegistry()
                        .scrape());
        return out.toString(StandardCharsets.UTF_8).replaceFirst("# EOF\n", "");
    }

    private static List<String> lines(String exposition) {
        return List.of(exposition.split("\n"));
    }

    private static String body(PrometheusExporter.Exposition exposition) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exposition.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String gunzip(PrometheusExporter.Exposition exposition) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exposition.writeTo(out);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Target target(String name) {
        return new Target(name, RedisURI.create("redis://127.0.0.1:16379"), Duration.ofSeconds(15));
    }

    private static PollResult polled(String name, String capture) {
        return new PollResult.Polled(Snapshot.builder(target(name), NOW, InfoParser.parse(Captures.text(capture)))
                .pollDuration(Duration.ofMillis(3))
                .memoryStats(Reading.of(
                        MemoryStatsParser.parse(RespReader.read(Captures.text("redis-7.0/memory-stats-primary.resp")))))
                .build());
    }

    private static PollResult failed(String name) {
        return new PollResult.Failed(target(name), NOW, PollFailure.CONNECT, "connection refused");
    }
}
