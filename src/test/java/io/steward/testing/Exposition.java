package io.steward.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The families of a Prometheus text exposition: name to type, name to the label names its samples use, and every
 * sample's value by its {@linkplain Sample series}.
 */
public record Exposition(Map<String, String> types, Map<String, Set<String>> labelNames, Map<Sample, Double> values) {

    /** One series: the sample's name and its labels, in name order so two expositions' series compare equal. */
    public record Sample(String name, SortedMap<String, String> labels) {
        @Override
        public String toString() {
            return name + labels;
        }
    }

    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static Exposition parse(String text) {
        Map<String, String> types = new TreeMap<>();
        Matcher type = TYPE.matcher(text);
        while (type.find()) {
            types.put(type.group(1), type.group(2));
        }
        Map<String, Set<String>> labels = new TreeMap<>();
        Map<Sample, Double> values = new LinkedHashMap<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            String family = familyOf(sample.group(1), types);
            Set<String> names = labels.computeIfAbsent(family, f -> new TreeSet<>());
            SortedMap<String, String> labelValues = new TreeMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labelValues.put(label.group(1), label.group(2));
                    if (!label.group(1).equals("quantile") && !label.group(1).equals("le")) {
                        names.add(label.group(1));
                    }
                }
            }
            values.put(new Sample(sample.group(1), labelValues), number(sample.group(3)));
        }
        return new Exposition(types, labels, values);
    }

    /** A sample value as the exposition writes it: Go's {@code +Inf} is Java's {@code Infinity}. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static String familyOf(String sampleName, Map<String, String> types) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : new String[] {"_sum", "_count", "_bucket", "_total", "_info"}) {
            if (sampleName.endsWith(suffix)
                    && types.containsKey(sampleName.substring(0, sampleName.length() - suffix.length()))) {
                return sampleName.substring(0, sampleName.length() - suffix.length());
            }
        }
        return sampleName;
    }
}
