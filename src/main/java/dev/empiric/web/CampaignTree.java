package dev.empiric.web;

import dev.empiric.trial.TrialNode;
import java.util.List;

/**
 * Every trial of a campaign as a node under its parent, with what the score chart and the lineage
 * tree draw, in one call: one narrow query whatever the campaign's size. Nodes are arrays
 * ({@link TrialNode}) without hypotheses, which pages fetch for the nodes they show. The chain is
 * every trial on the parent path from the baseline to the best (kept or not, since a KEEP may build
 * on a discarded parent), baseline first.
 *
 * @param lastEventId the newest event of the campaign's log when the tree was read (null: none)
 */
public record CampaignTree(long campaignId, String metric, String goal, Integer bestNumber, Double bestScore,
        Double baselineScore, Double noiseFloor, Double keepThreshold, List<Integer> chain, List<TrialNode> trials,
        Long lastEventId) {

    /** How much of each hypothesis {@code /tree/heads} returns. */
    public static final int HEAD_CHARS = 120;
    /** How many trial numbers one request for nodes or heads may name. */
    public static final int MAX_NUMBERS = 300;
}
