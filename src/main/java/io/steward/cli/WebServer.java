package io.steward.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.steward.diagnostics.DoctorStatus;
import io.steward.diagnostics.JsonReport;
import io.steward.exporters.PrometheusExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoints, on the JDK's HTTP server: {@code /metrics} (every configured target and the agent's
 * own meters), {@code /scrape?target=} (one on-demand poll of a target the config allows, no target label), {@code /doctor?target=NAME} (the
 * doctor's latest report on a configured target, as JSON), {@code /-/healthy}, {@code /-/ready} and a landing page.
 *
 * <p>The JDK server sets TCP_NODELAY only when the process starts with {@code sun.net.httpserver.nodelay=true};
 * {@link Main#main} sees to that.
 *
 * <p>The web config ({@code --web.config.file}) gives TLS, the users of basic auth and further headers. With users,
 * every path but {@code /-/healthy} (for liveness probes, which carry no credentials) needs a user's password.
 */
final class WebServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(WebServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    /** What each connection of the server keeps for writing is about twice this, however large the answer. */
    private static final int WRITE_SIZE = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusExporter exporter;
    private final OnDemandScrapes scrapes;
    private final Readiness readiness;
    private final Function<String, Optional<DoctorStatus>> doctor;
    private final JsonReport json = new JsonReport();

    private final ServiceDiscovery discovery;
    private final WebConfigWatcher web;
    private final BasicAuth auth;
    private final FailedLogins failures = new FailedLogins(Clock.systemUTC());

    private WebServer(
            HttpServer server,
            WebConfigWatcher web,
            BasicAuth auth,
            PrometheusExporter exporter,
            OnDemandScrapes scrapes,
            Readiness readiness,
            Function<String, Optional<DoctorStatus>> doctor,
            ServiceDiscovery discovery) {
        this.server = server;
        this.web = web;
        this.auth = auth;
        this.discovery = discovery;
        this.exporter = exporter;
        this.scrapes = scrapes;
        this.readiness = readiness;
        this.doctor = doctor;
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "steward-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Serves on {@code address}; throws {@link java.net.BindException} when it is taken.
     *
     * @param webConfig TLS, users and headers; {@link WebConfig#NONE} for plain HTTP open to all
     * @param reloadEvery how often the web config's files are compared with those read
     * @param doctor the doctor's state of a target by name, empty for an unknown name
     */
    static WebServer start(
            InetSocketAddress address,
            WebConfig webConfig,
            Duration reloadEvery,
            PrometheusExporter exporter,
            OnDemandScrapes scrapes,
            Readiness readiness,
            Function<String, Optional<DoctorStatus>> doctor,
            ServiceDiscovery discovery)
            throws IOException {
        WebTls tls = webConfig.tls() == null ? null : new WebTls(webConfig.tls());
        HttpServer server;
        if (tls == null) {
            server = HttpServer.create(address, 64);
        } else {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(tls.configurator());
            server = https;
        }
        BasicAuth auth = new BasicAuth();
        auth.prepare(webConfig);
        WebConfigWatcher watcher = new WebConfigWatcher(webConfig, new WebConfigReader(), reloadEvery, next -> {
            if (tls != null) {
                tls.use(next.tls());
            }
            auth.prepare(next);
        });
        WebServer web = new WebServer(server, watcher, auth, exporter, scrapes, readiness, doctor, discovery);
        web.server.start();
        logger.info(
                "listening on {}://{}:{}/metrics{}",
                tls == null ? "http" : "https",
                address.getHostString(),
                web.port(),
                webConfig.hasUsers() ? " (basic auth for " + webConfig.users().size() + " user(s))" : "");
        return web;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            WebConfig config = web.get();
            config.headers().forEach(exchange.getResponseHeaders()::set);
            if (!path.equals("/-/healthy") && !authorized(exchange, config)) {
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, exporter.metrics(accept(exchange), acceptEncoding(exchange)));
                case "/scrape" -> scrape(exchange);
                case "/doctor" -> doctorReport(exchange);
                case "/discover" -> send(exchange, 200, "application/json", discovery.answer());
                case "/-/healthy" -> send(exchange, 200, TEXT, "OK\n");
                case "/-/ready" -> {
                    Readiness.Answer answer = readiness.answer();
                    send(exchange, answer.ready() ? 200 : 503, TEXT, answer.body());
                }
                case "/" -> send(exchange, 200, "text/html; charset=utf-8", LANDING_PAGE);
                default -> send(exchange, 404, TEXT, "not found: " + path + "\n");
            }
        } catch (RuntimeException failure) {
            logger.warn("request {} failed", exchange.getRequestURI().getPath(), failure);
            send(exchange, 500, TEXT, "internal error: " + failure.getMessage() + "\n");
        } finally {
            exchange.close();
        }
    }

    /** Whether the request may go on; if not, it has its 401 answer. */
    private boolean authorized(HttpExchange exchange, WebConfig config) throws IOException {
        BasicAuth.Outcome outcome =
                auth.check(config, exchange.getRequestHeaders().getFirst("Authorization"));
        if (outcome.verdict() == BasicAuth.Verdict.ALLOWED) {
            return true;
        }
        failures.refused(
                exchange.getRemoteAddress().getAddress().getHostAddress(),
                outcome.user(),
                outcome.verdict() == BasicAuth.Verdict.WRONG);
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"steward\", charset=\"UTF-8\"");
        send(exchange, 401, TEXT, "unauthorized: give a user and password of the web config (basic auth)\n");
        return false;
    }

    private void scrape(HttpExchange exchange) throws IOException {
        String target = queryParameter(exchange, "target");
        if (target == null || target.isBlank()) {
            send(exchange, 400, TEXT, "missing parameter: target (for example /scrape?target=redis://host:6379)\n");
            return;
        }
        OnDemandScrapes.Outcome outcome;
        try {
            outcome = scrapes.scrape(target);
        } catch (ConfigException badTarget) {
            send(exchange, 400, TEXT, "bad target: " + badTarget.getMessage() + "\n");
            return;
        }
        if (outcome instanceof OnDemandScrapes.Outcome.Refused refused) {
            send(exchange, 403, TEXT, refused.explanation());
        } else {
            OnDemandScrapes.Outcome.Polled polled = (OnDemandScrapes.Outcome.Polled) outcome;
            send(
                    exchange,
                    exporter.onDemand(polled.results(), polled.groups(), accept(exchange), acceptEncoding(exchange)));
        }
    }

    private void doctorReport(HttpExchange exchange) throws IOException {
        String target = queryParameter(exchange, "target");
        if (target == null || target.isBlank()) {
            send(
                    exchange,
                    400,
                    TEXT,
                    "missing parameter: target (a configured target's name, for example /doctor?target=cache-1)\n");
            return;
        }
        Optional<DoctorStatus> status = doctor.apply(target);
        if (status.isEmpty()) {
            send(exchange, 404, TEXT, "no configured target is named '" + target + "'\n");
        } else if (status.get() instanceof DoctorStatus.Diagnosed diagnosed) {
            send(exchange, 200, "application/json; charset=utf-8", json.render(diagnosed.report()));
        } else if (status.get() instanceof DoctorStatus.GroupDiagnosed diagnosed) {
            send(exchange, 200, "application/json; charset=utf-8", json.render(diagnosed.report()));
        } else if (status.get() instanceof DoctorStatus.Down down) {
            send(exchange, 503, TEXT, "no diagnosis: " + down.message() + "\n");
        } else {
            send(
                    exchange,
                    503,
                    TEXT,
                    "no diagnosis of " + target + " yet: the doctor needs two polls to measure rates\n");
        }
    }

    private static String accept(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Accept");
    }

    private static String acceptEncoding(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Accept-Encoding");
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

    private static void send(HttpExchange exchange, PrometheusExporter.Exposition exposition) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", exposition.contentType());
        if (exposition.gzipped()) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.sendResponseHeaders(200, exposition.length());
        // The Redis part arrives as many small pieces, one per family and target: one write per piece would be a
        // system call each.
        try (OutputStream out = new BoundedWrites(exchange.getResponseBody(), WRITE_SIZE)) {
            exposition.writeTo(out);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        write(exchange, status, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = new BoundedWrites(exchange.getResponseBody(), WRITE_SIZE)) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        web.close();
    }

    private static final String LANDING_PAGE = """
            <!DOCTYPE html>
            <html><head><title>redis-steward</title></head>
            <body>
            <h1>redis-steward</h1>
            <ul>
            <li><a href="/metrics">/metrics</a>: every configured target, labelled with <code>target</code></li>
            <li>/scrape?target=NAME or URI: one configured or allowed target on demand, for Prometheus relabelling</li>
            <li><a href="/discover">/discover</a>: the members of every group, in Prometheus HTTP SD format</li>
            <li>/doctor?target=NAME: the doctor's latest report on a configured target, as JSON</li>
            <li><a href="/-/healthy">/-/healthy</a> and <a href="/-/ready">/-/ready</a></li>
            </ul>
            </body></html>
            """;
}
