package io.steward.diagnostics;

import io.steward.collector.PollResult;
import io.steward.collector.Snapshot;
import java.time.Duration;
import java.time.Instant;

/**
 * The on-demand doctor: two polls of one server a while apart, the first with the doctor's own reads, and the rules
 * over them. Read-only: the polls never send KEYS, MONITOR, DEBUG, SAVE, BGSAVE, CONFIG SET or FLUSH.
 */
public final class Doctor {

    /** One poll of the server; {@code inspect} asks for the doctor's reads too. {@code TargetPoller::poll} fits. */
    @FunctionalInterface
    public interface Sampler {
        PollResult poll(boolean inspect);
    }

    /** Waits between the two polls; tests replace it to act on the server inside the window. */
    @FunctionalInterface
    public interface Pause {
        void between(Duration sample) throws InterruptedException;
    }

    public static final Pause SLEEP = sample -> Thread.sleep(sample.toMillis());

    private final Pause pause;
    private final Diagnosis diagnosis;
    private final MemoryLimits memoryLimits;

    /** @param memoryLimits the cgroup memory limit of a server beside the doctor, handed to the rules as data */
    public Doctor(Pause pause, Diagnosis diagnosis, MemoryLimits memoryLimits) {
        this.pause = pause;
        this.diagnosis = diagnosis;
        this.memoryLimits = memoryLimits;
    }

    /** A doctor that knows of the server's memory only what INFO says. */
    public Doctor(Pause pause, Diagnosis diagnosis) {
        this(pause, diagnosis, MemoryLimits.UNKNOWN);
    }

    /**
     * The report's start is the first poll's time.
     *
     * @param sample the time between the two polls; zero polls once and skips the rules that need rates
     * @throws DoctorException when the server cannot be read (down, auth, timeout, INFO refused)
     */
    public Report examine(Sampler sampler, Duration sample) throws DoctorException, InterruptedException {
        Observation observation = observe(sampler, sample);
        return diagnosis.examine(observation, startOf(observation));
    }

    /** The two polls without the rules: what a group's doctor gathers from each member before judging them. */
    public Observation observe(Sampler sampler, Duration sample) throws DoctorException, InterruptedException {
        // The doctor's reads ride on the first poll, before its INFO: their refusals fall outside the window.
        Snapshot first = sample(sampler, true);
        if (sample.isZero()) {
            return Observation.single(first, "one INFO sample only (--sample-seconds 0)")
                    .limitedBy(memoryLimits);
        }
        pause.between(sample);
        return Observation.of(first, sample(sampler, false)).limitedBy(memoryLimits);
    }

    /**
     * One poll without the doctor's own reads: a server read only to compare another with (the primary of a replica
     * examined alone).
     */
    public Observation glance(Sampler sampler, String why) throws DoctorException {
        return Observation.single(sample(sampler, false), why).limitedBy(memoryLimits);
    }

    /** When an observation began: its first snapshot's time. */
    static Instant startOf(Observation observation) {
        return observation.earlier().orElse(observation.latest()).time();
    }

    private static Snapshot sample(Sampler sampler, boolean inspect) throws DoctorException {
        PollResult result = sampler.poll(inspect);
        if (result instanceof PollResult.Failed failed) {
            throw new DoctorException(failed.reason(), failed.message());
        }
        return ((PollResult.Polled) result).snapshot();
    }
}
