package io.steward.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the web config file again when it, or a certificate, key or CA file it names, changes: certificates rotate
 * without a restart. The files' contents are compared every {@link #DEFAULT_INTERVAL} (a few kilobytes read).
 * A new file that cannot be used keeps the web config in use, and one line says why; so does a change between
 * HTTP and HTTPS, which takes a restart.
 */
final class WebConfigWatcher implements Supplier<WebConfig>, AutoCloseable {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    private static final Logger logger = LoggerFactory.getLogger(WebConfigWatcher.class);

    private final WebConfigReader reader;
    private final Consumer<WebConfig> apply;
    private final ScheduledExecutorService timer;
    private volatile WebConfig current;
    private String seen;

    /**
     * @param apply readies a new web config for use (its TLS keys, for one), before it is in use; a {@link
     *     ConfigException} from it keeps the one in use
     */
    WebConfigWatcher(WebConfig initial, WebConfigReader reader, Duration interval, Consumer<WebConfig> apply) {
        this.current = initial;
        this.seen = initial.fingerprint();
        this.reader = reader;
        this.apply = apply;
        if (initial.file() == null) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steward-web-config");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public WebConfig get() {
        return current;
    }

    /** Reads the file again if it or a file it names changed since it was last read. */
    synchronized void check() {
        WebConfig inUse = current;
        String now = WebConfigReader.fingerprint(inUse.files());
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        WebConfig next;
        try {
            next = reader.read(inUse.file());
            if ((next.tls() == null) != (inUse.tls() == null)) {
                logger.warn(
                        "web config {} {} tls_server_config: switching between HTTP and HTTPS takes a restart;"
                                + " the web config in use stays until then",
                        inUse.file(),
                        next.tls() == null ? "no longer has" : "now has");
                return;
            }
            apply.accept(next);
        } catch (ConfigException unusable) {
            logger.warn("web config changed but cannot be used, the one in use stays: {}", unusable.getMessage());
            return;
        } catch (RuntimeException failure) {
            logger.warn("web config changed but cannot be used, the one in use stays", failure);
            return;
        }
        seen = next.fingerprint();
        current = next;
        logger.info("web config {} read again: {}", next.file(), next);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
