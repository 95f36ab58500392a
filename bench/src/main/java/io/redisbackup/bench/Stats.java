package io.redisbackup.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Figures of repeated measurements, in milliseconds. */
final class Stats {

    private final List<Double> values = new ArrayList<>();

    void add(double millis) {
        values.add(millis);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    double min() {
        return percentile(0);
    }

    double median() {
        return percentile(50);
    }

    double max() {
        return percentile(100);
    }

    /** The nearest-rank percentile. */
    double percentile(double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    int count() {
        return values.size();
    }

    /** The values in the order they were measured. */
    List<Double> values() {
        return List.copyOf(values);
    }

    Map<String, Object> json() {
        return Map.of("min", round(min()), "median", round(median()), "max", round(max()), "runs", values.size(),
                "inOrder", values.stream().map(Stats::round).toList());
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
