package dev.empiric.trial;

import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.Locale;

/**
 * The honest-keep rule, on the environment's seeds: what a scored trial's gain over the incumbent
 * means. A gain of at most {@code min_delta} (an unchanged recipe, whose gain is exactly zero because
 * the incumbent is scored on the same seeds, included) is DISCARD. A larger one is confirmed on fresh
 * seed sets ({@link Confirmation}) when the campaign confirms keeps, whether it is beyond the keep
 * threshold, max(min_delta, z × noise) ({@code Budgets.keepThreshold}), or within it: a gain beyond
 * it on one seed set is what a lucky seed produces when the incumbent's score on that set was low.
 * Without confirmation (a budget of 0 seed sets) the threshold alone decides, as the rule did before
 * confirmation existed: beyond it KEEP, within it DISCARD, because it could be the seed talking.
 */
public final class KeepRule {

    private KeepRule() {}

    public enum Outcome {
        KEEP, DISCARD, CONFIRM_BEYOND_NOISE, CONFIRM_WITHIN_NOISE;

        /** The label this outcome gives without a confirmation. */
        public Label label() {
            return switch (this) {
                case KEEP -> Label.KEEP;
                case DISCARD -> Label.DISCARD;
                default -> throw new IllegalStateException(this + " is decided by a confirmation");
            };
        }

        public Confirmation.Tier tier() {
            return switch (this) {
                case CONFIRM_BEYOND_NOISE -> Confirmation.Tier.BEYOND_NOISE;
                case CONFIRM_WITHIN_NOISE -> Confirmation.Tier.WITHIN_NOISE;
                default -> throw new IllegalStateException(this + " needs no confirmation");
            };
        }
    }

    /** @param delta score minus the incumbent's score, as recorded on the trial */
    public record Judgement(Outcome outcome, double delta, String note) {}

    /** @param confirms whether the campaign confirms gains on fresh seeds (a budget above 0) */
    public static Judgement judge(Goal goal, double score, double bestScore, double threshold, double minDelta,
            boolean confirms) {
        double improvement = goal.improvement(score, bestScore);
        double delta = score - bestScore;
        if (improvement > threshold) {
            return new Judgement(confirms ? Outcome.CONFIRM_BEYOND_NOISE : Outcome.KEEP, delta, String.format(
                    Locale.ROOT, "improves on the best by %.6g (threshold %.6g)", improvement, threshold));
        }
        if (improvement > minDelta) {
            return new Judgement(confirms ? Outcome.CONFIRM_WITHIN_NOISE : Outcome.DISCARD, delta, String.format(
                    Locale.ROOT, "improves on the best by %.6g, within the noise threshold %.6g", improvement,
                    threshold));
        }
        String note = improvement > 0
                ? String.format(Locale.ROOT, "improves on the best by %.6g, not more than min_delta %.6g",
                        improvement, minDelta)
                : String.format(Locale.ROOT, "does not improve on the best (%s by %.6g)",
                        improvement == 0 ? "equal" : "worse", Math.abs(improvement));
        return new Judgement(Outcome.DISCARD, delta, note);
    }
}
