package io.steward.diagnostics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisURI;
import io.steward.collector.InfoParser;
import io.steward.collector.Inspection;
import io.steward.collector.MemoryStatsParser;
import io.steward.collector.Reading;
import io.steward.collector.RedisInfo;
import io.steward.collector.ReplyParsers;
import io.steward.collector.ServerConfig;
import io.steward.collector.SlowlogEntry;
import io.steward.collector.Snapshot;
import io.steward.collector.Target;
import io.steward.testing.Captures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Observations built from what {@code capture.sh} read from a real redis-server 7.0 (src/test/resources/info/
 * redis-7.0/doctor): a busy primary with a replica, two INFO samples 2 s apart and everything the doctor reads
 * besides. A test may change single INFO fields or config values to put the capture into a state a real server
 * cannot easily be driven into (swapping, a failing disk).
 */
final class DoctorCaptures {

    static final String DIR = "redis-7.0/doctor/";
    static final Target TARGET =
            new Target("cache-1", RedisURI.create("redis://10.0.0.5:6379"), Duration.ofSeconds(15));

    private static final ObjectMapper JSON = new ObjectMapper();

    private DoctorCaptures() {}

    /** The capture as it is. */
    static Observation busyPrimary() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private String first = Captures.text(DIR + "info-1.txt");
        private String second = Captures.text(DIR + "info-2.txt");
        private final Map<String, String> config = new LinkedHashMap<>(json("config.json", new TypeReference<>() {}));
        private String latencyDoctor = Captures.text(DIR + "latency-doctor.txt");
        private List<SlowlogEntry> slowlog =
                ReplyParsers.slowlog(json("slowlog.json", new TypeReference<List<Object>>() {}));
        private final Map<Source, String> unavailable = new EnumMap<>(Source.class);
        private boolean oneSample;

        /** Sets an INFO field in both samples. */
        Builder info(String field, Object value) {
            first = withField(first, field, value);
            second = withField(second, field, value);
            return this;
        }

        /** Sets an INFO field in the second sample only: the counter moved during the window. */
        Builder later(String field, Object value) {
            second = withField(second, field, value);
            return this;
        }

        Builder config(String parameter, String value) {
            config.put(parameter, value);
            return this;
        }

        Builder latencyDoctor(String capture) {
            latencyDoctor = Captures.text(DIR + capture);
            return this;
        }

        Builder slowlog(List<SlowlogEntry> entries) {
            slowlog = List.copyOf(entries);
            return this;
        }

        Builder unavailable(Source source, String reason) {
            unavailable.put(source, reason);
            return this;
        }

        Builder oneSample() {
            oneSample = true;
            return this;
        }

        Observation build() {
            List<Snapshot> polls = polls();
            return oneSample
                    ? Observation.single(polls.get(1), "one INFO sample only (--sample-seconds 0)")
                    : Observation.of(polls.get(0), polls.get(1));
        }

        /** Two snapshots as two polls make them, 2 s apart: the second keeps the first one's other readings. */
        List<Snapshot> polls() {
            return List.of(snapshot(first), snapshot(second));
        }

        private Snapshot snapshot(String text) {
            RedisInfo info = InfoParser.parse(text);
            Instant time = Instant.EPOCH.plusNanos(
                    (long) info.number("server_time_usec").getAsDouble() * 1000);
            return Snapshot.builder(TARGET, time, info)
                    .pollDuration(Duration.ofMillis(2))
                    .memoryStats(Reading.of(MemoryStatsParser.parse(
                            json("memory-stats.json", new TypeReference<Map<String, Object>>() {}))))
                    .latencyEvents(reading(
                            Source.LATENCY,
                            ReplyParsers.latencyLatest(
                                    json("latency-latest.json", new TypeReference<List<Object>>() {}))))
                    .config(reading(Source.CONFIG, new ServerConfig(config)))
                    .inspection(new Inspection(
                            reading(Source.MEMORY_DOCTOR, Captures.text(DIR + "memory-doctor.txt")),
                            reading(Source.LATENCY_DOCTOR, latencyDoctor),
                            reading(Source.SLOWLOG, slowlog),
                            reading(
                                    Source.CLIENT_LIST,
                                    ReplyParsers.clientList(Captures.text(DIR + "client-list.txt"))),
                            reading(
                                    Source.ACL,
                                    ReplyParsers.aclList(Captures.text(DIR + "acl-list.txt")
                                            .lines()
                                            .toList())),
                            // role.json is a primary's: no link of its own to report
                            reading(Source.ROLE, "")))
                    .build();
        }

        /** The value, or the reason given to {@link #unavailable} for its source. */
        private <T> Reading<T> reading(Source source, T value) {
            String reason = unavailable.get(source);
            return reason == null ? Reading.of(value) : Reading.unavailable(reason);
        }
    }

    /** The INFO text with one field's value replaced, or the field added to the first section when it is absent. */
    static String withField(String info, String field, Object value) {
        Matcher existing =
                Pattern.compile("(?m)^" + Pattern.quote(field) + ":.*$").matcher(info);
        if (existing.find()) {
            return existing.replaceFirst(Matcher.quoteReplacement(field + ":" + value + "\r"));
        }
        return info.replaceFirst(
                "(?m)^# Server\r?$", Matcher.quoteReplacement("# Server\r\n" + field + ":" + value + "\r"));
    }

    private static <T> T json(String name, TypeReference<T> type) {
        try {
            return JSON.readValue(Captures.text(DIR + name), type);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
