package dev.empiric.agent;

import dev.empiric.lineage.Outcome;
import dev.empiric.trial.Label;
import java.util.Map;

/**
 * One recipe the knob model learns from: trial {@code number}'s knob literals and how it ended:
 * its label (for a failure, the failure kind the model learns to avoid) and, when it was scored,
 * its score; {@code beatParent} says whether it scored better than the recipe it was built on (an
 * edit that helped, even when not enough to be kept). A {@code pending} recipe is queued or running:
 * it counts as tried but has no outcome yet.
 */
public record Observation(int number, Map<String, String> knobs, Label label, Double score, boolean beatParent,
        boolean pending) {

    public Observation {
        knobs = Map.copyOf(knobs);
    }

    /** A scored recipe; which scored label it got (baseline, keep, discard) does not matter to the model. */
    public static Observation scored(int number, Map<String, String> knobs, double score, boolean beatParent) {
        return new Observation(number, knobs, Label.DISCARD, score, beatParent, false);
    }

    public static Observation failed(int number, Map<String, String> knobs, Label label) {
        return new Observation(number, knobs, label, null, false, false);
    }

    public static Observation pending(int number, Map<String, String> knobs) {
        return new Observation(number, knobs, null, null, false, true);
    }

    Outcome outcome() {
        return pending ? Outcome.NOTHING : Outcome.of(label);
    }

    boolean isScored() {
        return outcome() == Outcome.SCORED && score != null;
    }

    boolean isFailure() {
        return outcome() == Outcome.OVER_BUDGET || outcome() == Outcome.BROKEN;
    }
}
