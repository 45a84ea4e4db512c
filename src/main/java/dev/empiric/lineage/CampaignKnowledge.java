package dev.empiric.lineage;

import dev.empiric.environment.Environment;

/**
 * What is known in a campaign, as one Markdown document: the environment's own notes
 * ({@code knowledge/}), the analyst's notes on the outcomes so far, and the research tree (the chain to
 * the best, the leaderboard and recent activity, as the lineage view shows them). It is rendered from
 * the store on every request, so it is always as of the last finished trial and needs no storage.
 *
 * <p>The first two parts are what {@link #pinned} puts at the top of every LLM and command
 * specialist's brief; the research tree reaches them through their lineage view.
 */
public final class CampaignKnowledge {

    private CampaignKnowledge() {}

    /** The text pinned into a brief: the environment's notes, then the analyst's (absent when hidden). */
    public static String pinned(Environment environment, Analyst.Notes notes) {
        StringBuilder md = new StringBuilder();
        if (!environment.knowledge().isBlank()) {
            md.append("## What is known about ").append(environment.name()).append(" (the environment's notes)\n\n")
                    .append(demoted(environment.knowledge(), 2)).append("\n\n");
        }
        if (notes != null && !notes.isEmpty()) {
            md.append(notes.markdown()).append('\n');
        }
        return md.toString();
    }

    /** The whole document: a title, the pinned part, then the lineage view as the research tree. */
    static String render(LineageView view, Environment environment, Analyst.Notes notes) {
        StringBuilder md = new StringBuilder("# Knowledge: campaign ").append(view.campaignId()).append(" \"")
                .append(view.campaignName().replace('\n', ' ')).append("\" (").append(view.task().environment())
                .append(")\n_Regenerated from the store on every request. The environment's notes and the analyst's")
                .append(" are pinned at the top of every LLM and command specialist's brief._\n\n");
        if (environment == null) {
            md.append("An imported run: it has no environment notes, and the analyst does not read runs that did not"
                    + " happen here.\n\n");
        } else {
            String pinned = pinned(environment, notes);
            md.append(pinned.isEmpty() ? "The environment has no notes (add Markdown under its `knowledge/`).\n\n"
                    : pinned);
            if (notes == null) {
                md.append("The lineage view is switched off for this campaign (an ablation), so the analyst's notes"
                        + " are withheld from its proposers, and here.\n\n");
            } else if (notes.isEmpty()) {
                md.append(notes.markdown()).append('\n');
            }
        }
        md.append("## Research tree\n\n").append(demoted(LineageMarkdown.render(view), 2));
        return md.toString();
    }

    /** Headings pushed down so that the deepest top-level heading becomes level {@code level}. */
    private static String demoted(String markdown, int level) {
        int shallowest = markdown.lines().filter(line -> line.matches("#{1,6} .*"))
                .mapToInt(line -> line.indexOf(' ')).min().orElse(level);
        String extra = "#".repeat(Math.max(0, level + 1 - shallowest));
        return markdown.lines().map(line -> line.matches("#{1,6} .*") ? extra + line : line)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
