package dev.empiric.evaluator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.EventLog;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.trial.NoiseEstimate;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps confirmed on fresh seed sets, in real containers on digits (one seed per set, a held-out
 * split of 597 images). The digits baseline moves by 0.028 from seed to seed, so its keep threshold
 * is 0.0552; recipes near 0.95 move by about 0.005, and a real gain of 0.04 there is far beyond their
 * noise but inside the baseline's. The numbers in the comments were measured on these recipes.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class ConfirmationTest {

    /** The threshold the digits baseline gives: 2 x the spread of 0.6767, 0.6281, 0.6750. */
    private static final double BASELINE_THRESHOLD = 0.0552;

    @Inject
    TrialService trials;

    @Inject
    InstanceIdentity instance;

    @Inject
    EventLog events;

    @Test
    void aClearGainNearTheCeilingIsKeptAfterConfirmation() {
        long campaign = Api.measuredCampaign("digits", null);
        assertEquals(BASELINE_THRESHOLD, Api.campaign(campaign).getDouble("keepThreshold"), 1e-4);
        // 0.6767 -> 0.9296 on seed 0: far beyond the threshold, and confirmed like any gain.
        JsonPath first = Api.run(campaign, "learning rate 0.1", Diffs.digits("LEARNING_RATE = 0.01", "LEARNING_RATE = 0.1"));
        assertEquals("KEEP", first.getString("label"), first.prettify());
        assertEquals("BEYOND_NOISE", first.getString("confirmation.tier"));
        assertEquals("CONFIRMED", first.getString("confirmation.outcome"));

        // 0.9296 -> 0.9698 on seed 0: +0.040, inside the baseline's threshold (the rule before
        // confirmation discarded it), and +0.03 to +0.06 on every other seed measured.
        JsonPath second = Api.run(campaign, "a wider relu net with momentum, weight decay and a cosine schedule",
                edit(first, "LEARNING_RATE = 0.1", "LEARNING_RATE = 0.0468", "MOMENTUM = 0.0", "MOMENTUM = 0.985",
                        "BATCH_SIZE = 64", "BATCH_SIZE = 72", "HIDDEN_UNITS = 32", "HIDDEN_UNITS = 161",
                        "ACTIVATION = \"tanh\"", "ACTIVATION = \"relu\"", "EPOCHS = 10", "EPOCHS = 56",
                        "LR_SCHEDULE = \"constant\"", "LR_SCHEDULE = \"cosine\"", "WEIGHT_DECAY = 0.0",
                        "WEIGHT_DECAY = 0.006"));
        assertEquals("KEEP", second.getString("label"), second.prettify());
        assertTrue(second.getDouble("score") > 0.96, second.prettify());
        assertTrue(second.getDouble("deltaVsBest") > 0.002 && second.getDouble("deltaVsBest") < BASELINE_THRESHOLD);
        assertEquals("CONFIRMED", second.getString("confirmation.outcome"));
        assertEquals(first.getInt("number"), second.getInt("confirmation.incumbent"));
        assertEquals(3, second.getList("confirmation.rounds").size(), "three pairs to test at df 2");
        assertTrue(second.getDouble("confirmation.test.pValue") < 0.05);
        assertTrue(second.getString("labelReason").contains("; confirmed on 3 fresh seed sets"),
                second.getString("labelReason"));
        for (int round = 0; round < 3; round++) {
            List<Integer> seeds = second.getList("confirmation.rounds[" + round + "].seeds", Integer.class);
            assertEquals(1, seeds.size());
            assertFalse(Set.of(0, 1000, 2000).contains(seeds.getFirst()), "server seeds never the environment's or"
                    + " the baseline's");
            assertTrue(second.getString("notes").contains("confirmation round " + (round + 1) + " against #"
                    + first.getInt("number") + ", seeds " + seeds), second.getString("notes"));
            assertTrue(second.getDouble("confirmation.rounds[" + round + "].candidate.score")
                    > second.getDouble("confirmation.rounds[" + round + "].incumbent.score"));
        }
        assertTrue(second.getDouble("confirmationSeconds") > 0);

        // The noise is now the new incumbent's own: it ran on 4 seed sets, and moves far less.
        JsonPath view = Api.campaign(campaign);
        assertEquals(second.getInt("number"), view.getInt("bestNumber"));
        assertEquals(second.getInt("number"), view.getInt("noise.from[0].trial"));
        assertEquals(4, view.getInt("noise.from[0].seedSets"));
        assertTrue(view.getDouble("noiseFloor") < 0.015, "noise at 0.97: " + view.getDouble("noiseFloor"));
        assertTrue(view.getDouble("keepThreshold") < BASELINE_THRESHOLD / 2);
        assertEquals(2, view.getInt("confirmations.trials"));
        assertTrue(second.getDouble("keepThreshold") < BASELINE_THRESHOLD / 2, "the first keep's own noise set the"
                + " bar for the second: " + second.getDouble("keepThreshold"));
        assertTrue(view.getDouble("confirmations.seconds") >= second.getDouble("confirmationSeconds"));

        String markdown = given().accept("text/markdown").get("/api/campaigns/" + campaign + "/lineage").asString();
        assertTrue(markdown.contains("KEEP (confirmed), accuracy=" + second.getString("score").substring(0, 4)),
                markdown);
        assertTrue(markdown.contains("(σ over 4 seed sets of #" + second.getInt("number") + "; df 3)"), markdown);
        JsonPath lineage = given().get("/api/campaigns/" + campaign + "/lineage").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("confirmed", lineage.getString("leaderboard[0].keepEvidence"));
        assertEquals(3, lineage.getInt("standing.confirmSeedSets"));

        List<String> types = QuarkusTransaction.requiringNew().call(() -> events.after(campaign, 0, 1000)).stream()
                .filter(event -> Integer.valueOf(second.getInt("number")).equals(event.trialNumber))
                .map(event -> event.type).toList();
        assertEquals(List.of("trial.submitted", "trial.started", "trial.confirming", "trial.confirmation_round",
                "trial.confirmation_round", "trial.confirmation_round", "trial.finished", "best.changed"), types);
    }

    @Test
    void noChangeAndSeedChangesAreNeverKeptAndABorderlineGainNeedsItsEvidence() {
        long campaign = Api.measuredCampaign("digits", null);
        // 0.9447 on seed 0, and 0.945-0.956 on other seeds
        JsonPath keep = Api.run(campaign, "learning rate 0.1 and momentum 0.9", edit(Api.awaitNumber(campaign, 0),
                "LEARNING_RATE = 0.01", "LEARNING_RATE = 0.1", "MOMENTUM = 0.0", "MOMENTUM = 0.9"));
        assertEquals("KEEP", keep.getString("label"), keep.prettify());

        JsonPath unchanged = Api.run(campaign, "a comment only", edit(keep, "VALIDATION_FRACTION = 0.1",
                "VALIDATION_FRACTION = 0.1  # unchanged"));
        assertEquals("DISCARD", unchanged.getString("label"));
        assertEquals(0.0, unchanged.getDouble("deltaVsBest"), 0.0);
        assertNull(unchanged.get("confirmation"));

        // The recipe's seed default is never used: the server always sets EMPIRIC_SEED.
        JsonPath seedDefault = Api.run(campaign, "another seed", edit(keep, "os.environ.get(\"EMPIRIC_SEED\", \"0\")",
                "os.environ.get(\"EMPIRIC_SEED\", \"7\")"));
        assertEquals("DISCARD", seedDefault.getString("label"));
        assertEquals(0.0, seedDefault.getDouble("deltaVsBest"), 0.0);
        assertNull(seedDefault.get("confirmation"));

        // A fixed seed found lucky offline (0.9631 where the recipe averages 0.950): it beats the
        // incumbent's 0.9447 on seed 0 and on most fresh seeds, and scores the same on every one.
        JsonPath fixedSeed = Api.run(campaign, "a better seed", edit(keep, "rng = np.random.default_rng(seed)",
                "rng = np.random.default_rng(118)"));
        assertEquals("DISCARD", fixedSeed.getString("label"), fixedSeed.prettify());
        assertTrue(fixedSeed.getDouble("deltaVsBest") > 0.002, "it did beat the incumbent on seed 0");
        assertEquals("NOT_CONFIRMED", fixedSeed.getString("confirmation.outcome"));
        List<Object> fixedScores = fixedSeed.getList("confirmation.rounds.candidate.score");
        assertEquals(1, fixedScores.stream().distinct().count(), "the server's seed changed nothing: " + fixedScores);
        assertEquals(fixedSeed.getDouble("score"), ((Number) fixedScores.getFirst()).doubleValue(), 1e-6);
        if (fixedSeed.getList("confirmation.rounds").size() == 3
                && fixedSeed.getDouble("confirmation.test.pValue") < 0.05) {
            assertTrue(fixedSeed.getString("labelReason").contains("(a fixed seed)"), "the paired test alone would"
                    + " have confirmed it: " + fixedSeed.getString("labelReason"));
        }

        // 0.9598 on seed 0 (+0.0151), but no better on average: -0.008 to +0.008 on other seeds.
        JsonPath borderline = Api.run(campaign, "twice the hidden units", edit(keep, "HIDDEN_UNITS = 32",
                "HIDDEN_UNITS = 64"));
        assertEquals("DISCARD", borderline.getString("label"), borderline.prettify());
        assertEquals("NOT_CONFIRMED", borderline.getString("confirmation.outcome"));
        assertTrue(borderline.getString("labelReason").startsWith("improves on the best (#" + keep.getInt("number")
                + ") by 0.01508 on the environment's seeds, "), borderline.getString("labelReason"));
        assertTrue(borderline.getString("labelReason").contains("; not confirmed"), borderline.getString("labelReason"));
        String notes = borderline.getString("notes");
        assertTrue(notes.contains("confirmation round 1 against #" + keep.getInt("number") + ", seeds ["), notes);
        assertTrue(notes.contains(": candidate 0.9") && notes.contains(", incumbent 0.9"), notes);
        String markdown = given().accept("text/markdown").get("/api/campaigns/" + campaign + "/lineage").asString();
        assertTrue(markdown.contains("#" + borderline.getInt("number") + " [test, DISCARD (within noise)"), markdown);

        // A confirmation cut short by a server stop is run again from the start, on the same seeds.
        long id = borderline.getLong("id");
        int incumbentSets = incumbentSeedSets(campaign, keep.getInt("number"));
        QuarkusTransaction.requiringNew().run(() -> {
            Trial trial = Trial.findById(id);
            trial.state = TrialState.RUNNING;
            trial.label = null;
            trial.finishedAt = null;
            trial.leaseOwner = instance.id();
        });
        assertEquals(1, trials.recoverInterrupted(instance.id()));
        JsonPath again = Api.await(id);
        assertEquals("DISCARD", again.getString("label"));
        assertEquals(2, again.getInt("attempts"));
        assertEquals(2, again.getInt("confirmation.attempt"));
        assertEquals(borderline.getList("confirmation.rounds.seeds"), again.getList("confirmation.rounds.seeds"));
        assertEquals(borderline.getList("confirmation.rounds.candidate.score"),
                again.getList("confirmation.rounds.candidate.score"));
        assertTrue(again.getDouble("confirmationSeconds") > borderline.getDouble("confirmationSeconds"),
                "both attempts' confirmation time counts");
        assertEquals(incumbentSets, incumbentSeedSets(campaign, keep.getInt("number")),
                "the incumbent's seed sets re-run are not counted twice in its noise");
    }

    /** The diff an agent makes by editing the trial's train.py: pairs of find, replace. */
    private static String edit(JsonPath trial, String... findReplace) {
        String before = given().get("/api/trials/" + trial.getLong("id") + "/files/train.py").then().statusCode(200)
                .extract().asString();
        String after = before;
        for (int i = 0; i < findReplace.length; i += 2) {
            assertTrue(after.contains(findReplace[i]), findReplace[i]);
            after = after.replace(findReplace[i], findReplace[i + 1]);
        }
        return Diffs.between("train.py", before, after);
    }

    private static int incumbentSeedSets(long campaign, int incumbent) {
        String sources = QuarkusTransaction.requiringNew().call(() -> Campaign.<Campaign>findById(campaign).noiseSources);
        return NoiseEstimate.read(sources).stream().filter(source -> source.trial() == incumbent).findFirst()
                .orElseThrow().seedSets().size();
    }
}
