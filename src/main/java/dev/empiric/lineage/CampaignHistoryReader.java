package dev.empiric.lineage;

import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.Campaign;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.environment.KnobLiterals;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.TrialSkeleton;
import dev.empiric.trial.Trials;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CampaignHistory} from the store: the trials' skeletons from the database, and the
 * knob values and tree hash of each commit from the campaign's git repository. Commits never change,
 * so those are cached by commit id, and a history costs one narrow query once the cache is warm.
 */
@ApplicationScoped
class CampaignHistoryReader {

    private static final int CACHE_ENTRIES = 20_000;

    /** What a commit holds, as far as the specialists care. */
    private record Snapshot(String treeHash, Map<String, String> knobs) {}

    private final GitTrialStore store;
    private final Trials trials;
    private final Map<String, Snapshot> snapshots = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
                    return size() > CACHE_ENTRIES;
                }
            });

    CampaignHistoryReader(GitTrialStore store, Trials trials) {
        this.store = store;
        this.trials = trials;
    }

    CampaignHistory read(Campaign campaign, EnvironmentSpec spec) {
        List<Knob> knobs = spec.knobs();
        List<TrialRecord> records = trials.skeletons(campaign.id).stream().map(trial -> {
            Snapshot snapshot = trial.commitId() == null ? new Snapshot(null, Map.of())
                    : snapshots.computeIfAbsent(campaign.id + ":" + trial.commitId(),
                            key -> snapshot(campaign.id, trial.commitId(), knobs));
            return record(trial, snapshot);
        }).toList();
        return new CampaignHistory(campaign.id, spec.metric().name(), spec.metric().goal(),
                campaign.bestNumber == null ? 0 : campaign.bestNumber, records,
                Budgets.of(spec, campaign.parsedSettings()).keepThreshold(campaign.noiseFloor));
    }

    /** The files of a trial's commit. */
    RecipeTree tree(long campaignId, int number) {
        return new RecipeTree(store.files(campaignId, trials.requireByNumber(campaignId, number).commitId));
    }

    private static TrialRecord record(TrialSkeleton trial, Snapshot snapshot) {
        return new TrialRecord(trial.number(), trial.parent(), trial.specialist(), trial.state(), trial.label(),
                trial.score(), snapshot.treeHash(), snapshot.knobs());
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
