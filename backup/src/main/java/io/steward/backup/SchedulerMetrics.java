package io.steward.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler of backups and drills as each agent sees it: {@code steward_scheduler_info{store,agent}}, {@code
 * steward_scheduler_up} (0 while the shared schedule's database cannot be used), {@code steward_scheduler_members}
 * (agents sharing the schedule that checked in lately), and per job kind and target {@code
 * steward_scheduler_jobs_run_total} (run by this agent), {@code steward_scheduler_jobs_recovered_total} (of those,
 * taken over from an agent that died while running them) and {@code steward_scheduler_misfires_total}.
 */
public final class SchedulerMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger up = new AtomicInteger();
    private final AtomicInteger members = new AtomicInteger();

    public SchedulerMetrics(MeterRegistry registry, String store, String agent) {
        this.registry = registry;
        Gauge.builder("steward.scheduler.info", () -> 1)
                .description("The agent's scheduler of backups and drills: where its schedule lives, its instance id")
                .tag("store", store)
                .tag("agent", agent)
                .strongReference(true)
                .register(registry);
        Gauge.builder("steward.scheduler.up", up, AtomicInteger::get)
                .description("1 when the scheduler runs; 0 while its database cannot be used and it retries")
                .strongReference(true)
                .register(registry);
        Gauge.builder("steward.scheduler.members", members, AtomicInteger::get)
                .description("Agents sharing this schedule that checked in lately, this one included")
                .strongReference(true)
                .register(registry);
    }

    public void up(boolean running) {
        up.set(running ? 1 : 0);
    }

    void members(int seen) {
        members.set(seen);
    }

    void ran(String kind, String target, boolean recovering) {
        counter(RUN, kind, target).increment();
        if (recovering) {
            counter(RECOVERED, kind, target).increment();
        }
    }

    void misfired(String kind, String target) {
        counter(MISFIRES, kind, target).increment();
    }

    /** Registers a job's counters at zero, so "never ran here" shows as such. */
    void register(String kind, String target) {
        counter(RUN, kind, target);
        counter(RECOVERED, kind, target);
        counter(MISFIRES, kind, target);
    }

    private record Family(String name, String description) {}

    private static final Family RUN = new Family("steward.scheduler.jobs.run", "Scheduled jobs this agent ran");
    private static final Family RECOVERED = new Family(
            "steward.scheduler.jobs.recovered",
            "Scheduled jobs this agent ran again because the agent running them died");
    private static final Family MISFIRES = new Family(
            "steward.scheduler.misfires",
            "Scheduled fires missed (every agent down, or the job still running), each caught up once");

    private Counter counter(Family family, String kind, String target) {
        return Counter.builder(family.name())
                .description(family.description())
                .tag("kind", kind)
                .tag("target", target)
                .register(registry);
    }
}
