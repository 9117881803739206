package io.steward.exporters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.steward.collector.PollResult;
import io.steward.diagnostics.DoctorStatus;
import io.steward.diagnostics.JsonReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoints: {@code /metrics} (everything the registry holds, in the text format or
 * OpenMetrics as the Accept header asks), {@code /scrape?target=URI} (one on-demand poll, no target label),
 * {@code /doctor?target=NAME} (the doctor's latest report on a configured target, as JSON), {@code /-/healthy},
 * {@code /-/ready} and a landing page.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MetricsServer.class);

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY a kept-alive connection (what
        // Prometheus uses) waits ~40 ms on every scrape for Nagle and delayed ACKs to resolve.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Polls a target given by URI once; throws {@link IllegalArgumentException} for a URI it cannot use. */
    @FunctionalInterface
    public interface OnDemandPoller {
        PollResult poll(String uri);
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusRegistry registry;
    private final OnDemandPoller onDemand;
    private final BooleanSupplier ready;
    private final Function<String, Optional<DoctorStatus>> doctor;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final JsonReport json = new JsonReport();

    public MetricsServer(
            InetSocketAddress address,
            PrometheusRegistry registry,
            OnDemandPoller onDemand,
            BooleanSupplier ready,
            Function<String, Optional<DoctorStatus>> doctor)
            throws IOException {
        this.registry = registry;
        this.onDemand = onDemand;
        this.ready = ready;
        this.doctor = doctor;
        this.server = HttpServer.create(address, 64);
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "steward-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
        logger.info("listening on http://{}:{}/metrics", server.getAddress().getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/metrics" -> writeMetrics(exchange, registry.scrape());
                case "/scrape" -> scrape(exchange);
                case "/doctor" -> doctorReport(exchange);
                case "/-/healthy" -> send(exchange, 200, "text/plain; charset=utf-8", "OK\n");
                case "/-/ready" -> {
                    boolean isReady = ready.getAsBoolean();
                    send(
                            exchange,
                            isReady ? 200 : 503,
                            "text/plain; charset=utf-8",
                            isReady ? "OK\n" : "not ready: no poll has finished yet\n");
                }
                case "/" -> send(exchange, 200, "text/html; charset=utf-8", LANDING_PAGE);
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
            }
        } catch (RuntimeException failure) {
            logger.warn("request {} failed", exchange.getRequestURI().getPath(), failure);
            send(exchange, 500, "text/plain; charset=utf-8", "internal error: " + failure.getMessage() + "\n");
        } finally {
            exchange.close();
        }
    }

    private void scrape(HttpExchange exchange) throws IOException {
        String target = queryParameter(exchange, "target");
        if (target == null || target.isBlank()) {
            send(
                    exchange,
                    400,
                    "text/plain; charset=utf-8",
                    "missing parameter: target (for example /scrape?target=redis://host:6379)\n");
            return;
        }
        PollResult result;
        try {
            result = onDemand.poll(target);
        } catch (IllegalArgumentException badTarget) {
            send(exchange, 400, "text/plain; charset=utf-8", "bad target: " + badTarget.getMessage() + "\n");
            return;
        }
        writeMetrics(exchange, new RedisMetricsCollector(() -> List.of(result), false).collect());
    }

    private void doctorReport(HttpExchange exchange) throws IOException {
        String target = queryParameter(exchange, "target");
        if (target == null || target.isBlank()) {
            send(
                    exchange,
                    400,
                    "text/plain; charset=utf-8",
                    "missing parameter: target (a configured target's name,"
                            + " for example /doctor?target=cache-1)\n");
            return;
        }
        Optional<DoctorStatus> status = doctor.apply(target);
        if (status.isEmpty()) {
            send(exchange, 404, "text/plain; charset=utf-8", "no configured target is named '" + target + "'\n");
        } else if (status.get() instanceof DoctorStatus.Diagnosed diagnosed) {
            send(exchange, 200, "application/json; charset=utf-8", json.render(diagnosed.report()));
        } else if (status.get() instanceof DoctorStatus.Down down) {
            send(exchange, 503, "text/plain; charset=utf-8", "no diagnosis: " + down.message() + "\n");
        } else {
            send(
                    exchange,
                    503,
                    "text/plain; charset=utf-8",
                    "no diagnosis of " + target + " yet: the doctor needs two polls to measure rates\n");
        }
    }

    private void writeMetrics(HttpExchange exchange, MetricSnapshots snapshots) throws IOException {
        ExpositionFormatWriter writer =
                formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        boolean gzip = acceptsGzip(exchange);
        try (OutputStream out = gzip ? new FastGzip(body) : body) {
            writer.write(out, snapshots);
        }
        exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
        if (gzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.sendResponseHeaders(200, body.size());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }

    /** Metrics text compresses about eight times at the fastest level; higher levels cost more than they save. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    private static boolean acceptsGzip(HttpExchange exchange) {
        String encodings = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        return encodings != null && encodings.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    }

    private static String queryParameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static final String LANDING_PAGE = """
            <!DOCTYPE html>
            <html><head><title>redis-steward</title></head>
            <body>
            <h1>redis-steward</h1>
            <ul>
            <li><a href="/metrics">/metrics</a>: every configured target, labelled with <code>target</code></li>
            <li><a href="/scrape?target=redis://localhost:6379">/scrape?target=URI</a>: one target on demand, for Prometheus relabelling</li>
            <li>/doctor?target=NAME: the doctor's latest report on a configured target, as JSON</li>
            <li><a href="/-/healthy">/-/healthy</a> and <a href="/-/ready">/-/ready</a></li>
            </ul>
            </body></html>
            """;
}
