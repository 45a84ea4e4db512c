package dev.empiric.campaign;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.Label;

/**
 * The honest-keep rule: a trial replaces the incumbent only when it beats it by more than
 * max(min_delta, z * noise floor). Anything less could be the seed talking, so it is DISCARD, with a
 * note that says how close it came.
 */
public final class KeepRule {

    private KeepRule() {}

    public record Judgement(Label label, double delta, String note) {}

    public static double threshold(EnvironmentSpec spec, Double noiseFloor) {
        double minDelta = spec.keep() != null && spec.keep().minDelta() != null ? spec.keep().minDelta() : 0.0;
        double z = spec.keep() != null && spec.keep().z() != null ? spec.keep().z() : 2.0;
        return Math.max(minDelta, z * (noiseFloor == null ? 0.0 : noiseFloor));
    }

    public static Judgement judge(EnvironmentSpec spec, double score, double bestScore, Double noiseFloor) {
        EnvironmentSpec.Goal goal = spec.metric().goal();
        double improvement = goal.improvement(score, bestScore);
        double threshold = threshold(spec, noiseFloor);
        double delta = score - bestScore;
        if (improvement > threshold) {
            return new Judgement(Label.KEEP, delta, String.format("improves on the best by %.6g (threshold %.6g)",
                    improvement, threshold));
        }
        String note = improvement > 0
                ? String.format("improves on the best by %.6g, within the noise threshold %.6g", improvement, threshold)
                : String.format("does not improve on the best (%s by %.6g)", improvement == 0 ? "equal" : "worse",
                        -improvement);
        return new Judgement(Label.DISCARD, delta, note);
    }
}
