package dev.empiric.export;

import dev.empiric.trial.Label;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One trial read from another harness's results file, mapped onto Empiric's fields; the server turns
 * each into a FINISHED trial of a read-only campaign.
 *
 * @param line the line of the file the row starts on
 * @param sourceId the row's id as the file wrote it ({@code exp_012}, a commit hash)
 * @param number the trial number: the file's id where it has one, the row's position otherwise
 * @param parent the trial it was built on, as a number (the file may write 12, 012 or exp_012)
 * @param incumbent the trial it was judged against, where the file says
 * @param sourceStatus the status exactly as the file wrote it
 * @param label the status in Empiric's taxonomy; null when the status is blank or unknown (the row is
 *     then {@link #flagged})
 * @param metrics every other numeric column, by its name
 * @param attributes the other text columns (job name, snapshot path, commit), by name
 * @param issues what was recovered or is wrong in the row; empty for a clean row
 * @param flagged whether something could not be read unambiguously (see {@link #issues})
 */
public record ImportRow(int line, String sourceId, int number, Integer parent, Integer incumbent, String specialist,
        String hypothesis, Double expectedDelta, String sourceStatus, Label label, Double score, Double deltaVsBest,
        Map<String, Double> metrics, Long artifactBytes, Double recipeSeconds, Double scoringSeconds,
        Instant timestamp, String notes, Map<String, String> attributes, List<String> issues, boolean flagged) {

    /** Whether the row counts as kept for the lineage (baseline or keep, with a score). */
    public boolean kept() {
        return (label == Label.BASELINE || label == Label.KEEP) && score != null;
    }
}
