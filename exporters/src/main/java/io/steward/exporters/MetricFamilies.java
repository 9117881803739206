package io.steward.exporters;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects data points by family name while snapshots of several targets are converted, then builds one
 * Prometheus family per name. Names are given without the {@code _total} of counters and the {@code _info}
 * of info metrics, which the exposition adds.
 */
final class MetricFamilies {

    private enum Kind {
        GAUGE,
        COUNTER,
        INFO,
        SUMMARY
    }

    private record Family(Kind kind, String help, List<Object> points) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    void gauge(String name, String help, Labels labels, double value) {
        add(
                name,
                Kind.GAUGE,
                help,
                GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void counter(String name, String help, Labels labels, double value) {
        add(
                name,
                Kind.COUNTER,
                help,
                CounterDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    void info(String name, String help, Labels labels) {
        add(
                name,
                Kind.INFO,
                help,
                InfoDataPointSnapshot.builder().labels(labels).build());
    }

    void summary(String name, String help, Labels labels, long count, double sum, Quantiles quantiles) {
        add(
                name,
                Kind.SUMMARY,
                help,
                SummaryDataPointSnapshot.builder()
                        .labels(labels)
                        .count(count)
                        .sum(sum)
                        .quantiles(quantiles)
                        .build());
    }

    private void add(String name, Kind kind, String help, Object point) {
        Family family = families.computeIfAbsent(name, n -> new Family(kind, help, new ArrayList<>()));
        if (family.kind != kind) {
            throw new IllegalStateException("metric " + name + " is both " + family.kind + " and " + kind);
        }
        family.points.add(point);
    }

    MetricSnapshots build() {
        List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
        families.forEach((name, family) -> snapshots.add(build(name, family)));
        return new MetricSnapshots(snapshots);
    }

    private static MetricSnapshot build(String name, Family family) {
        return switch (family.kind) {
            case GAUGE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(family.help);
                family.points.forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
                yield b.build();
            }
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(family.help);
                family.points.forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
                yield b.build();
            }
            case INFO -> {
                InfoSnapshot.Builder b = InfoSnapshot.builder().name(name).help(family.help);
                family.points.forEach(p -> b.dataPoint((InfoDataPointSnapshot) p));
                yield b.build();
            }
            case SUMMARY -> {
                SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(family.help);
                family.points.forEach(p -> b.dataPoint((SummaryDataPointSnapshot) p));
                yield b.build();
            }
        };
    }
}
