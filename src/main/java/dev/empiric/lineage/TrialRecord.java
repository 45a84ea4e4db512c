package dev.empiric.lineage;

import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.util.Map;

/**
 * One trial as the offline specialists see it: its place in the lineage, its outcome, and the knob
 * values parsed from its commit (literals exactly as written in the file). {@code treeHash} is the
 * content hash of its whole recipe, null when the diff never became a commit.
 */
public record TrialRecord(int number, Integer parent, String specialist, TrialState state, Label label, Double score,
        String treeHash, Map<String, String> knobs) {

    public Outcome outcome() {
        return state == TrialState.FINISHED ? Outcome.of(label) : Outcome.NOTHING;
    }

    public boolean isScored() {
        return outcome() == Outcome.SCORED && score != null;
    }

    /** Whether its tree counts as tried: measured, or queued or running right now. */
    public boolean occupiesTree() {
        if (treeHash == null) {
            return false;
        }
        return switch (state) {
            case QUEUED, RUNNING -> true;
            case FINISHED -> label != Label.INFRA_ERROR;
            case CANCELLED -> false;
        };
    }
}
