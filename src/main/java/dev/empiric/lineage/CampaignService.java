package dev.empiric.lineage;

import dev.empiric.DomainException.Kind;
import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import dev.empiric.campaign.ImportOrigin;
import dev.empiric.campaign.InvalidCampaignRequest;
import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.NoiseEstimate;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import dev.empiric.trial.Trials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opening a lineage and summarising it: a new campaign gets its row, its first event, a bare git
 * repository whose first commit is the environment's starting recipe, and that recipe queued as
 * trial 0 (the baseline every later trial is judged against), all in one transaction.
 */
@ApplicationScoped
public class CampaignService {

    private final EnvironmentCatalog catalog;
    private final GitTrialStore store;
    private final TrialService trialService;
    private final Trials trials;
    private final EventLog events;

    CampaignService(EnvironmentCatalog catalog, GitTrialStore store, TrialService trialService, Trials trials,
            EventLog events) {
        this.catalog = catalog;
        this.store = store;
        this.trialService = trialService;
        this.trials = trials;
        this.events = events;
    }

    public record CreateCampaign(String environment, String name, CampaignSettings settings) {}

    /**
     * A campaign with its incumbent, noise estimate and how its trials ended.
     *
     * @param noiseFloor the current noise estimate; {@code noise} says which incumbents' seed sets it pools
     * @param confirmations the trials confirmed on fresh seed sets and the evaluator seconds that took,
     *                      on top of the trials' own runs
     */
    public record CampaignView(long id, String name, String environment, String environmentHash,
            CampaignStatus status, Instant createdAt, CampaignSettings settings, String metric, String goal,
            Integer bestNumber, Double bestScore, Double baselineScore, Double noiseFloor, NoiseEstimate noise,
            Double keepThreshold, Trials.ConfirmationTotals confirmations, Map<TrialState, Long> states,
            Map<Label, Long> labels) {}

    /** @param actor who creates it, for the event log */
    @Transactional
    public CampaignView create(CreateCampaign request, String actor) {
        if (request == null) {
            throw new InvalidCampaignRequest(List.of("a JSON body with 'environment' and 'name' is required"));
        }
        List<String> problems = new ArrayList<>();
        if (request.environment() == null || request.environment().isBlank()) {
            problems.add("'environment' is required");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            problems.add("'name' is required, at most 200 characters");
        }
        CampaignSettings settings = request.settings() == null ? CampaignSettings.none() : request.settings();
        problems.addAll(settings.problems());
        if (!problems.isEmpty()) {
            throw new InvalidCampaignRequest(problems);
        }
        Environment environment = catalog.find(request.environment()).orElseThrow(() -> new InvalidCampaignRequest(
                Kind.UNPROCESSABLE, "no usable environment named '" + request.environment() + "'; usable: "
                        + catalog.all().stream().map(Environment::name).toList()));

        Campaign campaign = new Campaign();
        campaign.name = request.name().strip();
        campaign.environment = environment.name();
        campaign.environmentHash = environment.contentHash();
        campaign.status = CampaignStatus.ACTIVE;
        campaign.settings = settings.toJson();
        campaign.createdAt = Instant.now();
        campaign.nextNumber = 1;
        campaign.bestNumber = 0;
        campaign.persistAndFlush();
        events.append(campaign.id, EventType.CAMPAIGN_CREATED, null, actor, EventLog.payload("name", campaign.name,
                "environment", campaign.environment, "environmentHash", campaign.environmentHash,
                "settings", campaign.settings));
        String commit = store.initialise(campaign.id, environment.recipeDir(), "Baseline: the starting recipe of "
                + environment.name() + "\n\nEmpiric-Campaign: " + campaign.id + "\nEmpiric-Environment-Hash: "
                + environment.contentHash() + "\n");
        trialService.recordBaseline(campaign, commit, actor);
        return view(campaign);
    }

    @Transactional
    public CampaignView view(long id) {
        return view(Campaign.require(id));
    }

    @Transactional
    public List<CampaignView> list() {
        return Campaign.<Campaign>listAll().stream().map(this::view).toList();
    }

    public CampaignView view(Campaign campaign) {
        Trials.Counts counts = trials.counts(campaign);
        CampaignSettings settings = campaign.parsedSettings();
        Optional<ImportOrigin> imported = campaign.importOrigin();
        var spec = imported.isPresent() ? null : catalog.find(campaign.environment).map(Environment::spec).orElse(null);
        Budgets budgets = spec == null ? null : Budgets.of(spec, settings);
        String metric = imported.map(ImportOrigin::metric).orElse(spec == null ? null : spec.metric().name());
        String goal = imported.map(origin -> origin.goal().name())
                .orElse(spec == null ? null : spec.metric().goal().name());
        return new CampaignView(campaign.id, campaign.name, campaign.environment, campaign.environmentHash,
                campaign.status, campaign.createdAt, settings, metric, goal, campaign.bestNumber, campaign.bestScore,
                campaign.baselineScore, campaign.noiseFloor,
                budgets == null ? null : LineageService.noise(campaign, budgets),
                budgets == null ? null : budgets.keepThreshold(campaign.noiseFloor),
                trials.confirmationTotals(campaign), counts.states(), counts.labels());
    }
}
