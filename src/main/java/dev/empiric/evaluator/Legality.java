package dev.empiric.evaluator;

import dev.empiric.campaign.Budgets;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Gate;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment's legality rules, applied to a scored measurement: the metric must be reported
 * (NO_SCORE), the artifact must fit under its cap (SIZE_BLOCKED), and every gate must hold on the
 * mean over seeds (GATE_FAILED). Each gate's distance to its bound is recorded as
 * {@code <metric>_margin}, and results within a gate's {@code band} are noted as borderline, because
 * a gate decided by noise is worth a reader's second look.
 */
final class Legality {

    private Legality() {}

    static Measurement check(EnvironmentSpec spec, Budgets budgets, Measurement measured) {
        String metric = spec.metric().name();
        if (measured.score() == null || !Double.isFinite(measured.score())) {
            return measured.failing(Label.NO_SCORE, "the scorer did not report the metric '" + metric + "'");
        }
        Long cap = budgets.artifactMaxBytes();
        if (cap != null && measured.artifactBytes() != null && measured.artifactBytes() > cap) {
            return measured.failing(Label.SIZE_BLOCKED, "artifact is " + measured.artifactBytes()
                    + " bytes, over the cap of " + cap);
        }
        Map<String, Double> metrics = new LinkedHashMap<>(measured.metrics());
        List<String> borderline = new ArrayList<>();
        for (Gate gate : spec.gates()) {
            Double value = metrics.get(gate.metric());
            if (value == null) {
                return measured.failing(Label.NO_SCORE, "the scorer did not report '" + gate.metric()
                        + "', which a gate needs");
            }
            double margin = margin(gate, value);
            metrics.put(gate.metric() + "_margin", margin);
            if (margin < 0) {
                return measured.withMetrics(metrics).failing(Label.GATE_FAILED, gate.metric() + " " + format(value)
                        + " misses the gate " + bounds(gate) + " by " + format(-margin));
            }
            if (gate.band() != null && margin <= gate.band()) {
                borderline.add("borderline: " + gate.metric() + " " + format(value) + " is within "
                        + format(gate.band()) + " of its gate " + bounds(gate));
            }
        }
        return measured.withMetrics(metrics).withNotes(borderline);
    }

    /** Distance to the nearest bound: positive inside the gate, negative outside. */
    static double margin(Gate gate, double value) {
        double margin = Double.POSITIVE_INFINITY;
        if (gate.min() != null) {
            margin = Math.min(margin, value - gate.min());
        }
        if (gate.max() != null) {
            margin = Math.min(margin, gate.max() - value);
        }
        return margin;
    }

    private static String bounds(Gate gate) {
        return (gate.min() != null ? ">= " + format(gate.min()) : "")
                + (gate.min() != null && gate.max() != null ? " and " : "")
                + (gate.max() != null ? "<= " + format(gate.max()) : "");
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
