package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.lineage.CampaignHistory;
import dev.empiric.trial.RecipeTree;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Everything a specialist may look at when it proposes, frozen for one turn (as Optuna hands a
 * sampler a frozen trial): the environment (its surfaces and knobs), the campaign's measured history,
 * the files of the current best (the parent of the proposal), the lineage view and the pinned knowledge
 * as Markdown (what an LLM or a command is shown, rendered only if asked for), the token budget, and a random source seeded
 * from the campaign, the specialist and the history size, so that a run can be replayed exactly.
 * Specialists touch nothing else: no store, no transaction, no clock.
 */
public record ProposalContext(EnvironmentSpec spec, CampaignHistory history, RecipeTree bestTree, Random random,
        Supplier<String> lineageView, Supplier<String> knowledge, TokenBudget tokens) {

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

    /**
     * What is pinned at the top of an LLM or command specialist's brief: the environment's notes and the
     * analyst's, as Markdown ("" when there are none).
     */
    public String pinnedKnowledge() {
        return knowledge.get();
    }

    /** The lineage view this specialist is shown, as Markdown. */
    public String lineageMarkdown() {
        return lineageView.get();
    }
}
