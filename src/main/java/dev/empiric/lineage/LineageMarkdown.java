package dev.empiric.lineage;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.NoiseEstimate;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lineage view as Markdown, for prompts and for people: the same sections as the JSON, laid out
 * like the view the paper's agents read (a leaderboard table, the chain as a tree, one line per trial
 * with its notes beneath), with long text cut so that the whole view fits on one screen. Nothing is
 * computed here; every fact comes from the {@link LineageView}.
 */
public final class LineageMarkdown {

    public static final String MEDIA_TYPE = "text/markdown";

    private static final int TABLE_HYPOTHESIS_CHARS = 100;
    private static final int LINE_HYPOTHESIS_CHARS = 140;
    private static final int NOTES_CHARS = 160;
    private static final MathContext DIGITS = new MathContext(7);

    private LineageMarkdown() {}

    public static String render(LineageView view) {
        StringBuilder md = new StringBuilder();
        md.append("# Lineage view: campaign ").append(view.campaignId()).append(" \"").append(line(view.campaignName()))
                .append("\" (").append(view.task().environment()).append(")")
                .append(view.specialist() == null ? "" : ", specialist **" + view.specialist() + "**").append("\n");
        if (view.enabled()) {
            md.append("_As of trial ").append(view.asOfTrial() == null ? "—" : "#" + view.asOfTrial())
                    .append(", generated ").append(view.generatedAt())
                    .append(". Infrastructure failures and unfinished trials are left out._\n");
        } else {
            md.append("_The lineage view is switched off for this campaign (an ablation): only the task and the"
                    + " current best are shown._\n");
        }
        task(md, view.task());
        standing(md, view);
        if (view.enabled()) {
            leaderboard(md, view);
            chain(md, view);
            Set<Integer> noted = new HashSet<>();
            section(md, "Recent activity (most recent " + view.recent().size() + ")", view.recent(), view, noted);
            section(md, "Children of the best (#" + view.standing().bestNumber() + "): " + view.bestChildren().size()
                    + " most recent of " + view.bestChildrenTotal(), view.bestChildren(), view, noted);
            if (view.specialist() != null) {
                section(md, "Your recent rejected and failed trials (" + view.specialist() + ")", view.ownFailures(),
                        view, noted);
            }
            md.append("\n## Label counts\n").append(view.labelCounts().isEmpty() ? "none yet"
                    : view.labelCounts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(" · "))).append("\n");
        }
        return md.toString();
    }

    private static void task(StringBuilder md, LineageView.Task task) {
        LineageView.Budgets budgets = task.budgets();
        md.append("\n## Task\n");
        md.append("- **").append(task.environment()).append("**")
                .append(task.title() == null ? "" : ": " + line(task.title()))
                .append(task.description() == null ? "" : ". " + line(task.description())).append("\n");
        md.append("- Metric: **").append(task.metric()).append("**, ").append(task.goal().name().toLowerCase());
        if (budgets == null) {
            md.append("\n- Nothing runs here: an imported record, read-only\n");
            return;
        }
        md.append(" (mean over ").append(task.seeds()).append(task.seeds() == 1 ? " seed)" : " seeds)")
                .append("\n");
        md.append("- Budgets per seed: recipe ").append(budgets.recipeSeconds()).append(" s, scoring ")
                .append(budgets.scoringSeconds()).append(" s, memory ").append(budgets.memoryMb()).append(" MB")
                .append(budgets.artifactMaxBytes() == null ? "" : "; artifact at most " + budgets.artifactMaxBytes()
                        + " bytes" + (budgets.artifactIncludesCode() ? " (code included)" : ""))
                .append("\n");
        if (!task.gates().isEmpty()) {
            md.append("- Gates: ").append(task.gates().stream().map(LineageMarkdown::gate)
                    .collect(Collectors.joining(", "))).append("\n");
        }
        md.append("- Editable: ").append(task.editable().stream().map(p -> "`" + p + "`")
                .collect(Collectors.joining(", "))).append("\n");
        if (task.surface() != null) {
            md.append("- Your surface: **").append(task.surface()).append("** (all surfaces: ")
                    .append(String.join(", ", task.surfaces())).append("); its knobs:\n");
            task.knobs().forEach(knob -> md.append("  - ").append(knob(knob)).append("\n"));
        } else if (!task.surfaces().isEmpty()) {
            md.append("- Surfaces: ").append(String.join(", ", task.surfaces())).append("\n");
        }
    }

    private static void standing(StringBuilder md, LineageView view) {
        LineageView.Standing standing = view.standing();
        String metric = view.task().metric();
        md.append("\n## Current best\n");
        md.append("- **#").append(standing.bestNumber()).append("** ").append(metric).append("=")
                .append(number(standing.bestScore()));
        if (standing.bestSpecialist() != null) {
            md.append(" (").append(standing.bestSpecialist()).append("): ")
                    .append(cut(standing.bestHypothesis(), LINE_HYPOTHESIS_CHARS));
        }
        md.append("\n");
        if (standing.keepThreshold() != null) {
            md.append("- Baseline ").append(number(standing.baselineScore())).append(", noise ")
                    .append(number(standing.noiseFloor())).append(noiseSource(standing.noise()))
                    .append(", keep threshold ").append(number(standing.keepThreshold())).append(" (min_delta ")
                    .append(number(standing.minDelta())).append(")\n");
            md.append(standing.confirmSeedSets() != null && standing.confirmSeedSets() > 0
                    ? "- A gain above min_delta is confirmed on up to " + standing.confirmSeedSets()
                            + " fresh seed sets, paired with the best (one-sided paired t-test, α "
                            + number(standing.alpha()) + "). Only a confirmed gain is kept.\n"
                    : "- A trial is kept only when it beats the best by more than the threshold.\n");
        }
    }

    /** Where the noise estimate came from: {@code (σ over 4 seed sets of #7; df 3)}. */
    private static String noiseSource(NoiseEstimate noise) {
        if (noise == null || noise.from().isEmpty()) {
            return "";
        }
        return noise.from().stream().map(from -> from.seedSets() + " seed sets of #" + from.trial())
                .collect(Collectors.joining(" + ", " (σ over ", "; df " + number(noise.degreesOfFreedom()) + ")"));
    }

    private static void leaderboard(StringBuilder md, LineageView view) {
        md.append("\n## Top ").append(view.leaderboard().size()).append(" kept trials\n");
        md.append("| # | ").append(view.task().metric()).append(" | Δ vs the best it beat | specialist | hypothesis |\n");
        md.append("|---|---|---|---|---|\n");
        for (LineageEntry entry : view.leaderboard()) {
            md.append("| ").append(entry.number()).append(" | ").append(number(entry.score())).append(" | ")
                    .append(delta(entry.deltaVsBest())).append(" | ").append(entry.specialist()).append(" | ")
                    .append(cut(entry.hypothesis(), TABLE_HYPOTHESIS_CHARS).replace("|", "\\|")).append(" |\n");
        }
    }

    private static void chain(StringBuilder md, LineageView view) {
        md.append("\n## Chain of kept trials from baseline to best\n```\n");
        List<LineageEntry> chain = view.chain();
        for (int i = 0; i < chain.size(); i++) {
            LineageEntry entry = chain.get(i);
            md.append(i == 0 ? "" : " └─ ").append(summary(entry, view))
                    .append(entry.number() == view.standing().bestNumber() ? " ← BEST" : "").append("\n");
        }
        md.append("```\n");
    }

    /**
     * One line per trial, its notes beneath the first time it is listed: the best's children and the
     * specialist's own failures are often among the recent trials, and repeating notes would push the
     * view past one screen. For a trial whose gain was confirmed on fresh seeds, the confirmation's
     * decision takes the place of the notes: it is what the notes' rounds came to.
     */
    private static void section(StringBuilder md, String title, List<LineageEntry> entries, LineageView view,
            Set<Integer> noted) {
        md.append("\n## ").append(title).append("\n");
        if (entries.isEmpty()) {
            md.append("none\n");
        }
        for (LineageEntry entry : entries) {
            md.append("- ").append(summary(entry, view)).append("\n");
            String notes = entry.confirmation() != null && entry.confirmation().summary() != null
                    ? entry.confirmation().summary() : entry.notes();
            if (notes != null && !notes.isBlank() && noted.add(entry.number())) {
                md.append("  └─ ").append(cut(notes, NOTES_CHARS)).append("\n");
            }
        }
    }

    /** {@code #n [specialist, LABEL, metric=score, Δ=delta, gate metrics] hypothesis}, as in the paper. */
    private static String summary(LineageEntry entry, LineageView view) {
        StringBuilder line = new StringBuilder("#").append(entry.number()).append(" [").append(entry.specialist())
                .append(", ").append(entry.label())
                .append(entry.keepEvidence() == null ? "" : " (" + entry.keepEvidence() + ")")
                .append(", ").append(view.task().metric()).append("=")
                .append(number(entry.score()));
        if (entry.deltaVsBest() != null) {
            line.append(", Δ=").append(delta(entry.deltaVsBest()));
        }
        for (EnvironmentSpec.Gate gate : view.task().gates()) {
            Double value = entry.metrics().get(gate.metric());
            if (value != null && !gate.metric().equals(view.task().metric())) {
                line.append(", ").append(gate.metric()).append("=").append(number(value));
            }
        }
        return line.append("] ").append(cut(entry.hypothesis(), LINE_HYPOTHESIS_CHARS)).toString();
    }

    private static String gate(EnvironmentSpec.Gate gate) {
        return gate.metric() + (gate.min() != null ? " ≥ " + number(gate.min()) : "")
                + (gate.max() != null ? " ≤ " + number(gate.max()) : "");
    }

    private static String knob(EnvironmentSpec.Knob knob) {
        String range = knob.choices() != null && !knob.choices().isEmpty() ? "one of " + knob.choices()
                : "in [" + number(knob.min()) + ", " + number(knob.max()) + "]" + (knob.log() ? " (log scale)" : "");
        return "`" + knob.name() + "` in " + knob.file() + ": " + knob.type() + " " + range;
    }

    /** Up to seven significant digits, without trailing zeros; an em dash for no value. */
    private static String number(Double value) {
        if (value == null) {
            return "—";
        }
        if (!Double.isFinite(value)) {
            return value.toString();
        }
        return BigDecimal.valueOf(value).round(DIGITS).stripTrailingZeros().toPlainString();
    }

    private static String delta(Double value) {
        return value != null && value > 0 ? "+" + number(value) : number(value);
    }

    private static String cut(String text, int chars) {
        String flat = line(text);
        return flat.length() <= chars ? flat : flat.substring(0, chars - 1) + "…";
    }

    /** Text on one line: agents' hypotheses and notes may hold newlines that would break the layout. */
    private static String line(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
