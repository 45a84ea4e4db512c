package dev.empiric.lineage;

import dev.empiric.trial.Label;

/**
 * How a finished trial's label teaches the knob search: a score to compare, a budget overrun that
 * bounds the knob (the failing value was too expensive), a broken value to avoid, or nothing to learn
 * (infrastructure failures are never the agent's fault; rejected diffs never ran).
 */
public enum Outcome {
    SCORED, OVER_BUDGET, BROKEN, NOTHING;

    public static Outcome of(Label label) {
        if (label == null) {
            return NOTHING;
        }
        return switch (label) {
            case BASELINE, KEEP, DISCARD -> SCORED;
            case RECIPE_TIMEOUT, SIZE_BLOCKED, OOM, SCORING_TIMEOUT -> OVER_BUDGET;
            case CRASH, PREFLIGHT_FAILED, GATE_FAILED, NO_SCORE -> BROKEN;
            case INVALID_PATCH, ILLEGAL_EDIT, INFRA_ERROR -> NOTHING;
        };
    }
}
