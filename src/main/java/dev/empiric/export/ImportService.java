package dev.empiric.export;

import dev.empiric.DomainException.Kind;
import dev.empiric.Json;
import dev.empiric.Sha256;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.campaign.ImportOrigin;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.lineage.CampaignService;
import dev.empiric.lineage.CampaignService.CampaignView;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns another harness's results file ({@link ResultsImport}) into a campaign of this server: an
 * IMPORTED campaign ({@link ImportOrigin}) whose trials carry the mapped labels beside the original
 * statuses, the parents, specialists, scores, hypotheses and notes of the file, and every repair or
 * doubt of the importer in their notes. It is shown in the campaign list and the lineage view and
 * exported like any campaign; it takes no trials and no runner, since its environment is not here.
 * Nothing is dropped: every row becomes a trial, flagged ones with a null label and the reason.
 */
@ApplicationScoped
public class ImportService {

    /** Rows flushed at a time, so a long file never fills the persistence context. */
    private static final int FLUSH_EVERY = 500;

    private final TrialService trialService;
    private final CampaignService campaigns;
    private final EventLog events;
    private final EntityManager em;

    ImportService(TrialService trialService, CampaignService campaigns, EventLog events, EntityManager em) {
        this.trialService = trialService;
        this.campaigns = campaigns;
        this.events = events;
        this.em = em;
    }

    /** The campaign an import made, and what the importer read. */
    public record Imported(long campaignId, CampaignView campaign, ImportReport report) {}

    /**
     * Imports {@code file} (the results file's bytes, UTF-8) read as {@code format}.
     *
     * @param name the campaign's name; null for one made from the format and the file's hash
     * @param actor who imports, for the event log
     */
    @Transactional
    public Imported importRun(String format, String name, byte[] file, String actor) {
        if (format == null || format.isBlank()) {
            throw new InvalidImport(Kind.INVALID, "'format' is required: one of " + ResultsImport.FORMATS);
        }
        if (!ResultsImport.FORMATS.contains(format)) {
            throw new InvalidImport(Kind.INVALID, "unknown format '" + format + "'; known: " + ResultsImport.FORMATS);
        }
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw new InvalidImport(Kind.INVALID, "'name' must be 1-200 characters");
        }
        if (file == null || file.length == 0) {
            throw new InvalidImport(Kind.INVALID, "the body is empty: send the results file (results.tsv)");
        }
        ImportedRun run;
        try {
            run = ResultsImport.read(format, new String(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvalidImport(Kind.UNPROCESSABLE, "this is not a " + format + " results file: " + e.getMessage());
        }
        String fileSha256 = Sha256.hex(file);
        ImportOrigin origin = new ImportOrigin(format, fileSha256, run.metric(), run.goal());

        Campaign campaign = new Campaign();
        campaign.name = name != null ? name.strip() : format + " run " + fileSha256.substring(0, 12);
        campaign.environment = "import:" + format;
        campaign.environmentHash = fileSha256;
        campaign.status = CampaignStatus.IMPORTED;
        campaign.settings = CampaignSettings.none().toJson();
        campaign.createdAt = Instant.now();
        campaign.importedFrom = origin.toJson();
        campaign.nextNumber = run.rows().stream().mapToInt(ImportRow::number).max().orElse(-1) + 1;
        Optional<ImportRow> best = run.rows().stream().filter(ImportRow::kept).min(betterFirst(run.goal()));
        campaign.bestNumber = best.map(ImportRow::number).orElse(null);
        campaign.bestScore = best.map(ImportRow::score).orElse(null);
        campaign.baselineScore = run.rows().stream().filter(r -> r.label() == Label.BASELINE)
                .map(ImportRow::score).findFirst().orElse(null);
        campaign.persistAndFlush();
        long campaignId = campaign.id;
        events.append(campaignId, EventType.CAMPAIGN_CREATED, null, actor, EventLog.payload("name", campaign.name,
                "environment", campaign.environment, "environmentHash", campaign.environmentHash,
                "settings", campaign.settings));

        Instant imported = campaign.createdAt;
        int written = 0;
        for (ImportRow row : run.rows()) {
            trialService.recordImported(Campaign.require(campaignId), trial(campaignId, format, row, imported));
            if (++written % FLUSH_EVERY == 0) {
                em.flush();
                em.clear();
            }
        }
        ImportReport report = run.report();
        events.append(campaignId, EventType.CAMPAIGN_IMPORTED, null, actor, EventLog.payload("format", format,
                "fileSha256", fileSha256, "metric", run.metric(), "goal", run.goal(), "rowsRead", report.rowsRead(),
                "imported", report.imported(), "recovered", report.recovered(), "flagged", report.flagged()));
        return new Imported(campaignId, campaigns.view(campaignId), report);
    }

    /** Best score first by the run's direction; ties go to the earlier trial, as the export's best.json does. */
    private static Comparator<ImportRow> betterFirst(Goal goal) {
        Comparator<ImportRow> byScore = Comparator.comparing(ImportRow::score);
        return (goal == Goal.MAXIMIZE ? byScore.reversed() : byScore).thenComparingInt(ImportRow::number);
    }

    private static Trial trial(long campaignId, String format, ImportRow row, Instant imported) {
        Trial trial = new Trial();
        trial.campaignId = campaignId;
        trial.number = row.number();
        trial.parentNumber = row.parent();
        trial.specialist = cut(row.specialist() == null ? "imported" : row.specialist(), 100);
        trial.hypothesis = row.hypothesis() == null ? "" : row.hypothesis();
        trial.expectedDelta = row.expectedDelta();
        trial.diff = "";
        trial.label = row.label();
        trial.sourceStatus = row.sourceStatus() == null ? null : cut(row.sourceStatus(), 100);
        trial.labelReason = row.notes() == null ? null : cut(row.notes(), 2000);
        trial.score = row.score();
        trial.metrics = row.metrics().isEmpty() ? null : Json.write(new TreeMap<>(row.metrics()));
        trial.deltaVsBest = row.deltaVsBest();
        trial.bestAtJudgement = row.incumbent();
        trial.notes = notes(format, row);
        trial.submittedAt = row.timestamp() != null ? row.timestamp() : imported;
        trial.finishedAt = row.timestamp();
        trial.recipeSeconds = row.recipeSeconds();
        trial.scoringSeconds = row.scoringSeconds();
        trial.artifactBytes = row.artifactBytes();
        trial.attempts = 1;
        return trial;
    }

    /** The row's own notes, where it came from, what the importer repaired or doubts, and its other columns. */
    private static String notes(String format, ImportRow row) {
        List<String> lines = new ArrayList<>();
        if (row.notes() != null) {
            lines.add(row.notes());
        }
        lines.add("imported from " + format + " line " + row.line() + (row.sourceId() == null ? ""
                : " (" + row.sourceId() + ")") + (row.flagged() ? ", flagged" : ""));
        row.issues().forEach(issue -> lines.add("import: " + issue));
        for (Map.Entry<String, String> attribute : row.attributes().entrySet()) {
            lines.add(attribute.getKey() + ": " + attribute.getValue());
        }
        return String.join("\n", lines);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
