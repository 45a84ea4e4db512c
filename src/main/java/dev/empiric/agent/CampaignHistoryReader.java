package dev.empiric.agent;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.KeepRule;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Trial;
import dev.empiric.web.ApiException;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CampaignHistory} from the database and the campaign's git repository. Knob values
 * and tree hashes are parsed from each trial's commit; commits never change, so those are cached by
 * commit id, and a history costs one query once the cache is warm.
 */
@ApplicationScoped
public class CampaignHistoryReader {

    private static final int CACHE_ENTRIES = 20_000;

    /** What a commit holds, as far as the specialists care. */
    private record Snapshot(String treeHash, Map<String, String> knobs) {}

    private final GitTrialStore store;
    private final EnvironmentCatalog catalog;
    private final Map<String, Snapshot> snapshots = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
                    return size() > CACHE_ENTRIES;
                }
            });

    CampaignHistoryReader(GitTrialStore store, EnvironmentCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    @Transactional
    public CampaignHistory read(long campaignId) {
        Campaign campaign = Campaign.findById(campaignId);
        if (campaign == null) {
            throw ApiException.notFound("no campaign with id " + campaignId);
        }
        EnvironmentSpec spec = spec(campaign);
        List<Knob> knobs = SpecialistRoster.knobs(spec);
        List<Trial> trials = Trial.list("campaignId", Sort.by("number"), campaignId);
        List<TrialRecord> records = trials.stream().map(trial -> {
            Snapshot snapshot = trial.commitId == null ? new Snapshot(null, Map.of())
                    : snapshots.computeIfAbsent(campaignId + ":" + trial.commitId,
                            key -> snapshot(campaignId, trial.commitId, knobs));
            return new TrialRecord(trial.number, trial.parentNumber, trial.specialist, trial.state, trial.label,
                    trial.score, snapshot.treeHash(), snapshot.knobs());
        }).toList();
        return new CampaignHistory(campaignId, spec.metric().name(), spec.metric().goal(),
                campaign.bestNumber == null ? 0 : campaign.bestNumber, records,
                KeepRule.threshold(spec, campaign.noiseFloor));
    }

    /** The files of a trial's commit, for the parent of a proposal. */
    @Transactional
    public RecipeTree tree(long campaignId, int number) {
        Trial trial = Trial.findByNumber(campaignId, number).orElseThrow(() -> ApiException.notFound(
                "campaign " + campaignId + " has no trial " + number));
        return new RecipeTree(store.files(campaignId, trial.commitId));
    }

    public EnvironmentSpec spec(Campaign campaign) {
        return catalog.find(campaign.environment).orElseThrow(() -> ApiException.conflict("campaign " + campaign.id
                + " uses environment '" + campaign.environment + "', which this server does not have")).spec();
    }

    private Snapshot snapshot(long campaignId, String commit, List<Knob> knobs) {
        RecipeTree tree = new RecipeTree(store.files(campaignId, commit));
        Map<String, String> values = new HashMap<>();
        for (Knob knob : knobs) {
            byte[] content = tree.files().get(knob.file());
            if (content != null) {
                KnobLiterals.read(new String(content, StandardCharsets.UTF_8), knob.name())
                        .ifPresent(literal -> values.put(knob.name(), literal));
            }
        }
        return new Snapshot(tree.hash(), Map.copyOf(values));
    }
}
