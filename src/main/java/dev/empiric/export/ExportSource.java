package dev.empiric.export;

import java.util.stream.Stream;

/**
 * Where an export's content comes from; the server implements it over its store. The writer calls
 * each method once, in this order, and closes each stream when done, so the streams may be live
 * database cursors: nothing is held beyond the trial being written.
 */
public interface ExportSource {

    ExportCampaign campaign();

    /** Every trial of the campaign, in ascending number. */
    Stream<TrialExport> trials();

    /** The campaign's event log, in ascending sequence (from 1). */
    Stream<EventRecord> events();
}
