package dev.empiric.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The analyst's notes on a hand-written history whose lessons are known. */
@Tag("unit")
class AnalystTest {

    private static final List<String> KNOBS = List.of("LEARNING_RATE", "EPOCHS", "ACTIVATION", "WEIGHT_DECAY");
    private static final Map<String, String> BASELINE = Map.of("LEARNING_RATE", "0.01", "EPOCHS", "10",
            "ACTIVATION", "\"tanh\"", "WEIGHT_DECAY", "0.0");

    private final List<TrialRecord> trials = new ArrayList<>(List.of(
            new TrialRecord(0, null, "baseline", TrialState.FINISHED, Label.BASELINE, 0.70, "t0", BASELINE)));

    private void trial(int parent, Map<String, String> edits, Label label, Double score) {
        Map<String, String> knobs = new HashMap<>(trials.get(parent).knobs());
        knobs.putAll(edits);
        int number = trials.size();
        trials.add(new TrialRecord(number, parent, "test", label == null ? TrialState.QUEUED : TrialState.FINISHED,
                label, score, "t" + number, knobs));
    }

    private Analyst.Notes notes() {
        int best = trials.stream().filter(t -> t.label() == Label.KEEP).mapToInt(TrialRecord::number).max().orElse(0);
        return Analyst.notes(new CampaignHistory(1, "accuracy", Goal.MAXIMIZE, best, trials, 0.01), KNOBS);
    }

    private void tenLessons() {
        trial(0, Map.of("LEARNING_RATE", "0.1"), Label.KEEP, 0.90);          // 1
        trial(1, Map.of("LEARNING_RATE", "0.3"), Label.KEEP, 0.93);          // 2
        trial(2, Map.of("LEARNING_RATE", "0.1"), Label.DISCARD, 0.90);       // 3
        trial(2, Map.of("EPOCHS", "400"), Label.RECIPE_TIMEOUT, null);       // 4
        trial(2, Map.of("EPOCHS", "800"), Label.RECIPE_TIMEOUT, null);       // 5
        trial(2, Map.of("EPOCHS", "20"), Label.DISCARD, 0.935);              // 6
        trial(2, Map.of("ACTIVATION", "\"relu\""), Label.DISCARD, 0.92);     // 7
        trial(2, Map.of("ACTIVATION", "\"relu\""), Label.DISCARD, 0.91);     // 8
        trial(2, Map.of("LEARNING_RATE", "9.0"), Label.GATE_FAILED, 0.08);   // 9
        trial(2, Map.of("LEARNING_RATE", "0.05"), Label.INFRA_ERROR, null);  // 10: not the recipe's fault
    }

    @Test
    void writesNothingBeforeTheFirstCheckpoint() {
        trial(0, Map.of("LEARNING_RATE", "0.1"), Label.KEEP, 0.90);
        Analyst.Notes notes = notes();
        assertTrue(notes.isEmpty());
        assertTrue(notes.markdown().contains("None yet"), notes.markdown());
    }

    @Test
    void saysWhatPaidWhatDidNotWhatFailedAndWhatWasNeverTried() {
        tenLessons();
        Analyst.Notes notes = notes();
        assertEquals(10, notes.asOfTrials());
        assertEquals("`LEARNING_RATE` raised: 3 trials, 2 kept; against the parent +0.1150 on average, best +0.2000"
                + " (2 scored)", notes.paid().get(0));
        assertTrue(notes.unpaid().contains("`ACTIVATION` set to \"relu\": 2 trials, 0 kept; against the parent"
                + " -0.01500 on average, best -0.01000 (2 scored)"), notes.unpaid().toString());
        assertEquals(List.of("`EPOCHS` raised: 2 of 3 trials failed: RECIPE_TIMEOUT at 400, 800",
                "`LEARNING_RATE` raised: 1 of 3 trials failed: GATE_FAILED at 9.0"), notes.failed());
        assertEquals(List.of("`WEIGHT_DECAY` was never changed"), notes.untried());
        String markdown = notes.markdown();
        assertTrue(markdown.startsWith("## The analyst's notes (after 10 finished trials)"), markdown);
        assertTrue(markdown.contains("### What failed, and how\n- `EPOCHS` raised"), markdown);
    }

    @Test
    void writesOnlyAtCheckpointsSoTheNotesHoldBetweenThem() {
        tenLessons();
        Analyst.Notes atTen = notes();
        trial(2, Map.of("WEIGHT_DECAY", "0.001"), Label.KEEP, 0.95);
        assertEquals(atTen, notes(), "an eleventh trial changed the notes before the next checkpoint");
        for (int i = 0; i < 9; i++) {
            trial(11, Map.of("EPOCHS", String.valueOf(30 + i)), Label.DISCARD, 0.94);
        }
        Analyst.Notes atTwenty = notes();
        assertEquals(20, atTwenty.asOfTrials());
        assertTrue(atTwenty.paid().stream().anyMatch(line -> line.startsWith("`WEIGHT_DECAY` raised: 1 trial, 1 kept")),
                atTwenty.paid().toString());
        assertTrue(atTwenty.untried().isEmpty(), atTwenty.untried().toString());
    }
}
