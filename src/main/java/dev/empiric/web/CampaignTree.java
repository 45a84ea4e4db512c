package dev.empiric.web;

import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.time.Instant;
import java.util.List;

/**
 * Every trial of a campaign as a node under its parent, with what the score chart and the lineage
 * tree draw, in one call: one narrow query whatever the campaign's size. The chain is every trial on
 * the parent path from the baseline to the best (kept or not, since a KEEP may build on a discarded
 * parent), baseline first.
 */
public record CampaignTree(long campaignId, String metric, String goal, Integer bestNumber, Double bestScore,
        Double baselineScore, Double noiseFloor, Double keepThreshold, List<Integer> chain, List<Node> trials) {

    public static final int HYPOTHESIS_CHARS = 120;

    /** One trial; the hypothesis is cut to {@link #HYPOTHESIS_CHARS} characters. */
    public record Node(long id, int number, Integer parent, String specialist, TrialState state, Label label,
            Double score, Double deltaVsBest, Instant finishedAt, String hypothesis) {

        public Node {
            if (hypothesis != null && hypothesis.length() > HYPOTHESIS_CHARS) {
                hypothesis = hypothesis.substring(0, HYPOTHESIS_CHARS - 1) + "…";
            }
        }
    }
}
