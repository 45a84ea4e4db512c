package dev.empiric.campaign;

import dev.empiric.environment.Environment;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import dev.empiric.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Creating campaigns (repository, baseline trial) and summarising them. */
@ApplicationScoped
public class CampaignService {

    private final EnvironmentCatalog catalog;
    private final GitTrialStore store;
    private final TrialService trials;

    CampaignService(EnvironmentCatalog catalog, GitTrialStore store, TrialService trials) {
        this.catalog = catalog;
        this.store = store;
        this.trials = trials;
    }

    public record CreateCampaign(String environment, String name, CampaignSettings settings) {}

    /** A campaign with its incumbent, noise floor and how its trials ended. */
    public record CampaignView(long id, String name, String environment, String environmentHash,
            CampaignStatus status, Instant createdAt, CampaignSettings settings, String metric, String goal,
            Integer bestNumber, Double bestScore, Double baselineScore, Double noiseFloor, Double keepThreshold,
            Map<TrialState, Long> states, Map<Label, Long> labels) {}

    @Transactional
    public CampaignView create(CreateCampaign request) {
        if (request == null) {
            throw ApiException.badRequest("a JSON body with 'environment' and 'name' is required");
        }
        List<String> problems = new ArrayList<>();
        if (request.environment() == null || request.environment().isBlank()) {
            problems.add("'environment' is required");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            problems.add("'name' is required, at most 200 characters");
        }
        CampaignSettings settings = request.settings() == null ? CampaignSettings.none() : request.settings();
        checkPositive(settings.recipeSeconds(), "settings.recipeSeconds", problems);
        checkPositive(settings.scoringSeconds(), "settings.scoringSeconds", problems);
        checkPositive(settings.memoryMb(), "settings.memoryMb", problems);
        checkPositive(settings.baselineRepeats(), "settings.baselineRepeats", problems);
        problems.addAll(settings.specialistProblems());
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        Environment environment = catalog.find(request.environment()).orElseThrow(() -> ApiException.unprocessable(
                "no environment named '" + request.environment() + "'; known: "
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
        String commit = store.initialise(campaign.id, environment.recipeDir(), "Baseline: the starting recipe of "
                + environment.name() + "\n\nEmpiric-Campaign: " + campaign.id + "\nEmpiric-Environment-Hash: "
                + environment.contentHash() + "\n");
        trials.recordBaseline(campaign, commit);
        return view(campaign);
    }

    public Campaign find(long id) {
        return Campaign.<Campaign>findByIdOptional(id)
                .orElseThrow(() -> ApiException.notFound("no campaign with id " + id));
    }

    public List<CampaignView> list() {
        return Campaign.<Campaign>listAll().stream().map(this::view).toList();
    }

    public CampaignView view(Campaign campaign) {
        Map<TrialState, Long> states = new EnumMap<>(TrialState.class);
        Map<Label, Long> labels = new EnumMap<>(Label.class);
        List<Object[]> rows = Trial.getEntityManager().createQuery(
                "select t.state, t.label, count(t) from Trial t where t.campaignId = :id group by t.state, t.label",
                Object[].class).setParameter("id", campaign.id).getResultList();
        for (Object[] row : rows) {
            states.merge((TrialState) row[0], (Long) row[2], Long::sum);
            if (row[1] != null) {
                labels.merge((Label) row[1], (Long) row[2], Long::sum);
            }
        }
        var spec = catalog.find(campaign.environment).map(Environment::spec).orElse(null);
        Double threshold = spec == null ? null : KeepRule.threshold(spec, campaign.noiseFloor);
        return new CampaignView(campaign.id, campaign.name, campaign.environment, campaign.environmentHash,
                campaign.status, campaign.createdAt, CampaignSettings.fromJson(campaign.settings),
                spec == null ? null : spec.metric().name(), spec == null ? null : spec.metric().goal().name(),
                campaign.bestNumber, campaign.bestScore, campaign.baselineScore, campaign.noiseFloor, threshold,
                states, labels);
    }

    private static void checkPositive(Integer value, String name, List<String> problems) {
        if (value != null && value <= 0) {
            problems.add(name + " must be positive");
        }
    }
}
