package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.runner.CampaignRun;
import dev.empiric.runner.RunnerState;
import dev.empiric.support.Api;
import dev.empiric.support.FreshDataDir;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A campaign whose environment vanished (deleted, or broken by an edit) must not stall the server:
 * its queued trial is labelled once its attempts are spent, other campaigns' trials run meanwhile,
 * and its runner ends with a reason. Before the fix, the claim threw an HTTP 409 on the dispatcher
 * thread, which retried it every two seconds forever and evaluated nothing else.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@Tag("store")
class PoisonedQueueTest {

    @Test
    void aCampaignWithoutItsEnvironmentNeitherBlocksOthersNorSpins() {
        long[] poisoned = QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = new Campaign();
            campaign.name = "environment gone";
            campaign.environment = "vanished";
            campaign.environmentHash = "0".repeat(64);
            campaign.status = CampaignStatus.ACTIVE;
            campaign.settings = "{}";
            campaign.createdAt = Instant.now();
            campaign.nextNumber = 1;
            campaign.bestNumber = 0;
            campaign.persist();
            Trial baseline = new Trial();
            baseline.campaignId = campaign.id;
            baseline.number = 0;
            baseline.specialist = "baseline";
            baseline.hypothesis = "the starting recipe";
            baseline.diff = "";
            baseline.commitId = "0".repeat(40);
            baseline.state = TrialState.QUEUED;
            baseline.submittedAt = Instant.now();
            baseline.persist();
            CampaignRun run = new CampaignRun();
            run.campaignId = campaign.id;
            run.specialists = "opt";
            run.maxTrials = 5;
            run.concurrency = 1;
            run.state = RunnerState.RUNNING;
            run.startedAt = Instant.now();
            run.skips = "{}";
            run.failures = "{}";
            run.persist();
            return new long[] {campaign.id, baseline.id};
        });

        // Queued after the poisoned baseline, and still measured.
        long healthy = Api.measuredCampaign("digits", null);
        assertEquals("BASELINE", Api.awaitNumber(healthy, 0).getString("label"));

        JsonPath runner = Api.awaitRunner(poisoned[0], state -> !state.getString("state").equals("RUNNING"));
        assertEquals("ENVIRONMENT_UNAVAILABLE", runner.getString("endReason"));

        JsonPath stuck = Api.await(poisoned[1]);
        assertEquals("INFRA_ERROR", stuck.getString("label"), stuck.prettify());
        assertEquals(3, stuck.getInt("attempts"));
        assertTrue(stuck.getString("notes").contains("environment 'vanished' is missing or broken"), stuck.getString("notes"));
        assertEquals("FAILED", Api.campaign(poisoned[0]).getString("status"), "its baseline could not be measured");
    }
}
