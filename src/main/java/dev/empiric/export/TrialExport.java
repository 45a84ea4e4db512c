package dev.empiric.export;

/**
 * What the server hands the {@link ExportWriter} for one trial: its record (derived hashes left
 * null) and the texts the export carries beside it.
 *
 * @param diff the diff exactly as submitted; null or empty for the baseline
 * @param proposerView what its proposer was shown (rendered lineage view or prompt); null if unknown
 * @param log the trial's bounded log; null or empty if nothing ran
 */
public record TrialExport(TrialRecord record, String diff, String proposerView, String log) {}
