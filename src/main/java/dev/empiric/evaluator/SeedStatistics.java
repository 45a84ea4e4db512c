package dev.empiric.evaluator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the runs of one trial over several seeds become one measurement: every metric is averaged,
 * and its spread is kept as {@code <metric>_std} (sample standard deviation) so that a reader can
 * see how much the seeds disagreed. The artifact size is the largest over seeds, not the mean: the
 * size cap must hold for every run.
 */
final class SeedStatistics {

    static final String ARTIFACT_BYTES = "artifact_bytes";

    private SeedStatistics() {}

    static Map<String, Double> aggregate(List<Map<String, Double>> runs) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String name : runs.getFirst().keySet()) {
            metrics.put(name, mean(runs, name));
            if (runs.size() > 1) {
                metrics.put(name + "_std", standardDeviation(runs.stream().map(run -> run.get(name))
                        .filter(Objects::nonNull).toList()));
            }
        }
        if (runs.size() > 1 && metrics.containsKey(ARTIFACT_BYTES)) {
            metrics.put(ARTIFACT_BYTES, runs.stream().map(run -> run.get(ARTIFACT_BYTES)).filter(Objects::nonNull)
                    .mapToDouble(Double::doubleValue).max().orElse(0));
            metrics.remove(ARTIFACT_BYTES + "_std");
        }
        return metrics;
    }

    static double mean(List<Map<String, Double>> runs, String name) {
        return runs.stream().map(run -> run.get(name)).filter(Objects::nonNull).mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1); zero for fewer than two values. */
    static double standardDeviation(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.size() - 1));
    }
}
