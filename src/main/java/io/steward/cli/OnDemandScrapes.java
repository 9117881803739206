package io.steward.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.steward.collector.GroupState;
import io.steward.collector.GroupSurvey;
import io.steward.collector.PollFailure;
import io.steward.collector.PollResult;
import io.steward.collector.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /scrape?target=}: the policy's decision, then one poll. Failed polls are counted in
 * {@code steward_poll_errors_total{target="scrape",reason}} (one label value for every on-demand target, so the
 * series stay few whatever Prometheus asks for) and logged at most once a minute per target.
 */
final class OnDemandScrapes {

    private static final Logger logger = LoggerFactory.getLogger(OnDemandScrapes.class);
    static final String TARGET_LABEL = "scrape";
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** Enough to remember every host of a large fleet, few enough that any number of asked-for hosts fit. */
    private static final int REMEMBERED = 1024;

    /** The answer to one {@code /scrape}. */
    sealed interface Outcome {
        /** A server's poll, or a group's: its members' polls and its state. */
        record Polled(List<PollResult> results, List<GroupState> groups) implements Outcome {}

        record Refused(String explanation) implements Outcome {}
    }

    private final ScrapePolicy policy;
    private final Function<Target, PollResult> poll;
    private final Clock clock;
    private final Map<PollFailure, Counter> errors = new EnumMap<>(PollFailure.class);
    private final Map<String, Instant> lastLogged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };

    OnDemandScrapes(ScrapePolicy policy, Function<Target, PollResult> poll, MeterRegistry registry, Clock clock) {
        this.policy = policy;
        this.poll = poll;
        this.clock = clock;
        for (PollFailure reason : PollFailure.values()) {
            errors.put(
                    reason,
                    Counter.builder("steward.poll.errors")
                            .description("Polls of the target that failed, by reason")
                            .tag("target", TARGET_LABEL)
                            .tag("reason", reason.label())
                            .register(registry));
        }
    }

    /** Throws {@link ConfigException} for a value that is not a target at all. */
    Outcome scrape(String target) {
        ScrapePolicy.Decision decision = policy.decide(target);
        if (decision instanceof ScrapePolicy.Decision.Refuse refused) {
            if (firstInAMinute("refused " + refused.address())) {
                logger.warn(
                        "/scrape refused {}: not a configured target nor allowed by web.scrape-allow",
                        refused.address());
            }
            return new Outcome.Refused(refused.explanation());
        }
        Target allowed = ((ScrapePolicy.Decision.Poll) decision).target();
        if (allowed.isGroup()) {
            GroupSurvey.Result survey = GroupSurvey.of(allowed, poll, clock);
            survey.members().forEach(this::count);
            if (!survey.state().healthy() && firstInAMinute(allowed.address())) {
                logger.warn("/scrape of group {}: {}", allowed, survey.state().problem());
            }
            return new Outcome.Polled(survey.members(), List.of(survey.state()));
        }
        PollResult result = poll.apply(allowed);
        count(result);
        return new Outcome.Polled(List.of(result), List.of());
    }

    private void count(PollResult result) {
        if (result instanceof PollResult.Failed failed) {
            errors.get(failed.reason()).increment();
            if (firstInAMinute(failed.target().key())) {
                logger.warn(
                        "/scrape of {} failed ({}): {}",
                        failed.target(),
                        failed.reason().label(),
                        failed.message());
            }
        }
    }

    private synchronized boolean firstInAMinute(String key) {
        Instant now = clock.instant();
        Instant last = lastLogged.get(key);
        if (last != null && Duration.between(last, now).compareTo(LOG_EVERY) < 0) {
            return false;
        }
        lastLogged.put(key, now);
        return true;
    }
}
