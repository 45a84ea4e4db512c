package dev.empiric.export;

import java.util.stream.Stream;

/**
 * Where an export's content comes from; the server implements it over its store. The writer calls
 * each method once, in this order, and closes each stream when done, so the streams may be live
 * database cursors: nothing is held beyond the trial being written.
 *
 * <p>The two streams must be one snapshot: every event's trial must be among the trials (read both
 * in one transaction, or cut the events at the last exported trial), or the export will not verify.
 */
public interface ExportSource {

    ExportCampaign campaign();

    /** Every trial of the campaign, in ascending number. */
    Stream<TrialExport> trials();

    /** The campaign's event log, in ascending sequence (from 1). */
    Stream<EventRecord> events();
}
