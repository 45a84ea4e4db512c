package dev.empiric.export;

import java.util.stream.Stream;

/**
 * Where an export's content comes from; the server implements it over its store. The writer calls
 * each method once, in this order, and closes each stream when done, so the streams may read the
 * store page by page: nothing is held beyond the trial being written.
 *
 * <p>All of it must be one snapshot: every event's trial must be among the trials and every view a
 * trial names among the views (the server reads them under the campaign's lock), or the export will
 * not verify.
 */
public interface ExportSource {

    ExportCampaign campaign();

    /** Every trial of the campaign, in ascending number. */
    Stream<TrialExport> trials();

    /** The campaign's event log, in ascending sequence (from 1), exactly as stored and hashed. */
    Stream<EventRecord> events();

    /** Every view the trials name ({@link ExportRecord#proposerViewSha256}), each once, in any order. */
    Stream<ShownView> views();
}
