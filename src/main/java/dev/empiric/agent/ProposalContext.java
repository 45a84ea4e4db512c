package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec;
import java.util.Map;
import java.util.Random;

/**
 * Everything a specialist may look at when it proposes: the environment (its surfaces and knobs),
 * the campaign's measured history, the files of the current best (the parent of the proposal), and
 * a random source seeded from the campaign, the specialist and the history size, so that a run can
 * be replayed exactly.
 */
public record ProposalContext(EnvironmentSpec spec, CampaignHistory history, RecipeTree bestTree, Random random) {

    /** The seed for one specialist's turn: the same campaign, specialist and history give the same proposal. */
    public static long seed(long campaignId, String specialist, int trials) {
        long seed = campaignId * 0x9E3779B97F4A7C15L;
        seed = 31 * seed + specialist.hashCode();
        return 31 * seed + trials;
    }

    /** Whether a tree with this content was already measured (or is being measured) in this campaign. */
    public boolean measured(RecipeTree tree) {
        return history.measuredTrees().contains(tree.hash());
    }
}
