package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.DiffPolicy;
import dev.empiric.trial.EditRejected;
import dev.empiric.trial.GitTrialStore;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.Patch;

/**
 * An LLM's answer reduced to what a trial needs: the hypothesis (the first line
 * {@code Hypothesis: ...}) and a unified diff against the parent. The edit may be written as
 * SEARCH/REPLACE blocks ({@link SearchReplace}; the platform writes the diff) or as a unified diff,
 * fenced ({@code ```diff}) or raw. Everything that would waste an evaluator run is refused here, with
 * a message for the model: no edit, an unparsable diff, a path outside the editable ones or missing
 * from the recipe, or a recipe already measured.
 */
public record LlmAnswer(String hypothesis, String diff) {

    private static final Pattern HYPOTHESIS = Pattern.compile("(?im)^[\\s*#]*hypothesis[*]*\\s*:[*]*\\s*(\\S.*)$");
    private static final Pattern FENCED = Pattern.compile("(?s)```(?:diff|patch)[^\\n]*\\n(.*?)```");
    private static final Pattern RAW = Pattern.compile("(?ms)^(?:diff --git |--- ).*");

    public static LlmAnswer parse(String text, ProposalContext context) throws MalformedAnswer {
        Matcher hypothesis = HYPOTHESIS.matcher(text == null ? "" : text);
        if (!hypothesis.find()) {
            throw new MalformedAnswer("the answer has no line 'Hypothesis: ...' saying what you change and why");
        }
        DiffPolicy policy = DiffPolicy.of(context.spec());
        RecipeTree parent = context.bestTree();
        String diff;
        if (SearchReplace.present(text)) {
            RecipeTree edited = SearchReplace.apply(text, parent);
            if (context.measured(edited)) {
                throw new MalformedAnswer("this edit gives a recipe that was already measured; propose a different one");
            }
            diff = edited.diffFrom(parent);
        } else {
            diff = extractDiff(text).orElseThrow(() -> new MalformedAnswer(
                    "the answer has neither SEARCH/REPLACE blocks nor a unified diff"));
        }
        if (diff.isBlank()) {
            throw new MalformedAnswer("the edit changes nothing");
        }
        check(GitTrialStore.parse(diff), policy, parent);
        return new LlmAnswer(hypothesis.group(1).strip(), diff);
    }

    private static Optional<String> extractDiff(String text) {
        Matcher fenced = FENCED.matcher(text);
        if (fenced.find()) {
            return Optional.of(fenced.group(1));
        }
        Matcher raw = RAW.matcher(text);
        return raw.find() ? Optional.of(raw.group().endsWith("\n") ? raw.group() : raw.group() + "\n") : Optional.empty();
    }

    private static void check(Patch patch, DiffPolicy policy, RecipeTree parent) throws MalformedAnswer {
        if (!patch.getErrors().isEmpty() || patch.getFiles().isEmpty()) {
            throw new MalformedAnswer("the diff does not parse as a unified diff"
                    + (patch.getErrors().isEmpty() ? "" : ": " + patch.getErrors().get(0).getMessage()));
        }
        try {
            policy.check(patch);
        } catch (EditRejected rejected) {
            throw new MalformedAnswer(rejected.getMessage());
        }
        for (FileHeader file : patch.getFiles()) {
            if (file.getChangeType() != ChangeType.MODIFY || !parent.files().containsKey(file.getOldPath())) {
                throw new MalformedAnswer("the diff may only modify existing files of the recipe; it has "
                        + file.getChangeType() + " " + file.getNewPath());
            }
        }
    }
}
