package dev.empiric.lineage;

import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a results.tsv of the paper's harness (Auto-Research-Recipes) into Trial rows, so that a
 * real trajectory can be replayed into the store. A malformed row (wrong field count, blank or
 * unknown status) fails the load with its line number instead of being dropped.
 */
final class RecipesTsv {

    /** The paper's statuses in Empiric's taxonomy; harness_abort was its infrastructure failure. */
    static final Map<String, Label> STATUSES = Map.ofEntries(
            Map.entry("baseline", Label.BASELINE), Map.entry("keep", Label.KEEP),
            Map.entry("discard", Label.DISCARD), Map.entry("crash", Label.CRASH),
            Map.entry("preflight_crash", Label.PREFLIGHT_FAILED), Map.entry("size_blocked", Label.SIZE_BLOCKED),
            Map.entry("eval_budget_overrun", Label.SCORING_TIMEOUT),
            Map.entry("train_budget_overrun", Label.RECIPE_TIMEOUT),
            Map.entry("disqualified", Label.GATE_FAILED), Map.entry("harness_abort", Label.INFRA_ERROR));

    private RecipesTsv() {}

    /**
     * @param scoreColumn the column holding the task's metric (train_s for CIFAR)
     * @param metricColumns further columns recorded as metrics (accuracy for CIFAR)
     */
    static List<Trial> read(String resource, String scoreColumn, String... metricColumns) throws IOException {
        List<String> lines;
        try (InputStream in = RecipesTsv.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no test resource " + resource);
            }
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> header = Arrays.asList(lines.getFirst().split("\t", -1));
        List<Trial> trials = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            if (fields.length != header.size()) {
                throw new IOException("line " + (i + 1) + " has " + fields.length + " fields, not " + header.size());
            }
            Label label = STATUSES.get(fields[header.indexOf("status")]);
            if (label == null) {
                throw new IOException("line " + (i + 1) + " has the unknown status '"
                        + fields[header.indexOf("status")] + "'");
            }
            Trial trial = new Trial();
            trial.number = Integer.parseInt(fields[header.indexOf("exp_id")]);
            trial.parentNumber = number(fields[header.indexOf("parent_exp")]);
            trial.specialist = fields[header.indexOf("specialist")];
            trial.hypothesis = fields[header.indexOf("hypothesis")];
            trial.expectedDelta = decimal(fields[header.indexOf("expected_delta")]);
            trial.diff = "";
            trial.state = TrialState.FINISHED;
            trial.label = label;
            trial.score = decimal(fields[header.indexOf(scoreColumn)]);
            trial.deltaVsBest = decimal(fields[header.indexOf("delta_vs_best")]);
            trial.notes = fields[header.indexOf("notes")];
            trial.finishedAt = Instant.parse(fields[header.indexOf("timestamp")]);
            trial.submittedAt = trial.finishedAt;
            StringBuilder metrics = new StringBuilder("{");
            for (String column : metricColumns) {
                Double value = decimal(fields[header.indexOf(column)]);
                if (value != null) {
                    metrics.append(metrics.length() > 1 ? "," : "").append('"').append(column).append("\":")
                            .append(value);
                }
            }
            trial.metrics = metrics.append("}").toString();
            trials.add(trial);
        }
        return trials;
    }

    private static Integer number(String field) {
        return field.isBlank() ? null : Integer.valueOf(field);
    }

    private static Double decimal(String field) {
        return field.isBlank() ? null : Double.valueOf(field);
    }
}
