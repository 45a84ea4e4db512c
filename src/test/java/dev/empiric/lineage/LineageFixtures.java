package dev.empiric.lineage;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Writes finished lineages straight into the store. The view only reads rows, so no repository,
 * evaluator or queue is involved, and no trial is ever left QUEUED for the evaluator to pick up.
 */
@ApplicationScoped
public class LineageFixtures {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    /**
     * A campaign on {@code environment} holding {@code trials}. Keeps are judged against the
     * incumbent, so the best is the kept trial with the highest number; trial 0 is the baseline.
     */
    @Transactional
    public long campaign(String environment, CampaignSettings settings, Double noiseFloor, List<Trial> trials) {
        Trial best = trials.stream().filter(t -> t.label == Label.KEEP || t.label == Label.BASELINE)
                .max(Comparator.comparingInt(t -> t.number)).orElseThrow();
        Campaign campaign = new Campaign();
        campaign.name = "lineage test";
        campaign.environment = environment;
        campaign.environmentHash = "0".repeat(64);
        campaign.status = CampaignStatus.ACTIVE;
        campaign.settings = settings.toJson();
        campaign.createdAt = T0;
        campaign.nextNumber = trials.stream().mapToInt(t -> t.number).max().orElse(0) + 1;
        campaign.bestNumber = best.number;
        campaign.bestScore = best.score;
        campaign.baselineScore = trials.stream().filter(t -> t.number == 0).findFirst().orElseThrow().score;
        campaign.noiseFloor = noiseFloor;
        campaign.persist();
        for (Trial trial : trials) {
            trial.campaignId = campaign.id;
            trial.persist();
        }
        return campaign.id;
    }

    /** A trial that ended with {@code label} {@code minutes} after T0 (label null: cancelled, never finished). */
    static Trial trial(int number, Integer parent, String specialist, Label label, Double score, Double delta,
            String hypothesis, String notes, int minutes) {
        Trial trial = new Trial();
        trial.number = number;
        trial.parentNumber = parent;
        trial.specialist = specialist;
        trial.hypothesis = hypothesis;
        trial.diff = "";
        trial.state = label == null ? TrialState.CANCELLED : TrialState.FINISHED;
        trial.label = label;
        trial.score = score;
        trial.deltaVsBest = delta;
        trial.notes = notes;
        trial.submittedAt = T0.plusSeconds(60L * minutes - 30);
        trial.finishedAt = T0.plusSeconds(60L * minutes);
        return trial;
    }

    /**
     * The shared synthetic lineage on digits (maximise accuracy). Kept: 0, 1, 2 (a side branch off
     * the baseline) and 4, the best, whose parent 3 was discarded. The best's children are 5 (crash),
     * 6 (discard), 7 (an infrastructure failure), 8 (gate missed) and 9 (cancelled). Trials finish in
     * the order 0..5, 8, 6, 7, 9, so "recent" differs from number order.
     */
    @Transactional
    public long digits(CampaignSettings settings) {
        Trial gate = trial(8, 4, "opt", Label.GATE_FAILED, 0.40, null, "hyp 8: tiny learning rate",
                "accuracy 0.4 misses the gate >= 0.5 by 0.1", 60);
        gate.metrics = "{\"accuracy\":0.4}";
        return campaign("digits", settings, 0.001, List.of(
                trial(0, null, "baseline", Label.BASELINE, 0.90, null, "the starting recipe", null, 0),
                trial(1, 0, "opt", Label.KEEP, 0.92, 0.02, "hyp 1: raise the learning rate", "kept", 10),
                trial(2, 0, "reg", Label.KEEP, 0.93, 0.01, "hyp 2: weight decay off the baseline", "kept", 20),
                trial(3, 1, "arch", Label.DISCARD, 0.925, -0.005, "hyp 3: wider hidden layer",
                        "does not improve on the best", 30),
                trial(4, 3, "arch", Label.KEEP, 0.95, 0.02, "hyp 4: wider | and tanh", "kept over #2", 40),
                trial(5, 4, "opt", Label.CRASH, null, null, "hyp 5: batch 0",
                        "seed 0: the recipe exited with 1: ZeroDivisionError", 50),
                gate,
                trial(6, 4, "opt", Label.DISCARD, 0.949, -0.001, "hyp 6: momentum 0.95",
                        "improves on nothing\nsecond line", 70),
                trial(7, 4, "reg", Label.INFRA_ERROR, null, null, "INFRA-MARKER hypothesis", "docker went away", 75),
                trial(9, 4, "opt", null, null, null, "UNFINISHED-MARKER hypothesis", "cancelled", 80)));
    }

    static CampaignSettings settings(Boolean lineageView) {
        return new CampaignSettings(null, null, null, null, lineageView, null, null, null, null);
    }
}
