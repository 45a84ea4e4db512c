package dev.empiric.agent;

import dev.empiric.lineage.Outcome;
import dev.empiric.lineage.TrialRecord;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the lineage says about one knob: every trial that changed it relative to its parent, with
 * the value before and after and how that went. The specialist attributes a trial's outcome to every
 * knob the trial changed; with one or two knobs per edit that attribution is nearly always exact.
 */
public record KnobEvidence(Knob knob, List<Change> changes) {

    /** One trial that moved the knob from {@code from} (its parent's literal) to {@code to}. */
    public record Change(TrialRecord trial, String from, String to, Optional<Double> improvement) {}

    public static KnobEvidence of(Knob knob, CampaignHistory history) {
        List<Change> changes = new ArrayList<>();
        for (TrialRecord trial : history.trials()) {
            if (trial.outcome() == Outcome.NOTHING) {
                continue;
            }
            Optional<TrialRecord> parent = history.parentOf(trial);
            String to = trial.knobs().get(knob.name());
            String from = parent.map(p -> p.knobs().get(knob.name())).orElse(null);
            if (to != null && from != null && !to.equals(from)) {
                changes.add(new Change(trial, from, to, history.improvementOverParent(trial)));
            }
        }
        return new KnobEvidence(knob, List.copyOf(changes));
    }

    public int count() {
        return changes.size();
    }

    /** How many changes of this knob became the new best. */
    public long keeps() {
        return changes.stream().filter(change -> change.trial().label() == Label.KEEP).count();
    }
}
