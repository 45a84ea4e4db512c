package dev.empiric.export;

/**
 * What the server hands the {@link ExportWriter} for one trial: its record (derived hashes left
 * null) and the texts the export carries beside it.
 *
 * @param diff the diff exactly as submitted; null or empty for the baseline
 * @param log the trial's bounded log; empty if nothing ran
 */
public record TrialExport(ExportRecord record, String diff, TrialLog log) {

    /** A trial whose log is given as text. */
    public TrialExport(ExportRecord record, String diff, String log) {
        this(record, diff, TrialLog.of(log));
    }
}
