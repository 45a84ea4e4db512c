package dev.empiric.trial;

import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.Locale;

/**
 * The honest-keep rule: a trial replaces the incumbent only when it beats it by more than the keep
 * threshold, max(min_delta, z × noise floor) ({@code Budgets.keepThreshold}). Anything less could be
 * the seed talking, so it is DISCARD, with a note that says how close it came.
 */
public final class KeepRule {

    private KeepRule() {}

    public record Judgement(Label label, double delta, String note) {}

    public static Judgement judge(Goal goal, double score, double bestScore, double threshold) {
        double improvement = goal.improvement(score, bestScore);
        double delta = score - bestScore;
        if (improvement > threshold) {
            return new Judgement(Label.KEEP, delta, String.format(Locale.ROOT,
                    "improves on the best by %.6g (threshold %.6g)", improvement, threshold));
        }
        String note = improvement > 0
                ? String.format(Locale.ROOT, "improves on the best by %.6g, within the noise threshold %.6g",
                        improvement, threshold)
                : String.format(Locale.ROOT, "does not improve on the best (%s by %.6g)",
                        improvement == 0 ? "equal" : "worse", -improvement);
        return new Judgement(Label.DISCARD, delta, note);
    }
}
