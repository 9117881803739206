package io.steward.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals that stop {@code steward serve}: SIGTERM (what service managers and Kubernetes send) and SIGINT
 * (Ctrl-C). Taking them from the JVM, whose own handling would run shutdown hooks and exit 143, lets the agent stop
 * in order, say why, and exit 0. {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle a
 * signal. Closing puts back the handlers there were.
 */
final class StopSignals implements AutoCloseable {

    private final CountDownLatch received = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile String name;

    private StopSignals() {}

    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            signals.previous.put(signal, Signal.handle(signal, signals::receive));
        }
        return signals;
    }

    private void receive(Signal signal) {
        if (received.getCount() > 0) {
            name = "SIG" + signal.getName();
            received.countDown();
        }
    }

    /** Waits for the first stop signal; returns its name ({@code SIGTERM}). */
    String await() throws InterruptedException {
        received.await();
        return name;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
