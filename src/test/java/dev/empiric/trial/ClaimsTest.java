package dev.empiric.trial;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.campaign.Campaign;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.campaign.CampaignStatus;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.support.NoEvaluation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Claims and leases as several servers sharing one store see them: concurrent claimers take each
 * trial exactly once, a claimer passes over a row another transaction holds instead of waiting for
 * it, an expired lease is recovered by anyone while a live one is left alone, and a worker learns
 * through its lease that its trial was cancelled. The claimers here call the service directly, as
 * the dispatchers of different servers would; this server itself evaluates nothing.
 */
@QuarkusTest
@TestProfile(NoEvaluation.class)
@QuarkusTestResource(FreshDataDir.class)
@Tag("store")
class ClaimsTest {

    private static final Instant LEASE = Instant.parse("2999-01-01T00:00:00Z");

    @Inject
    TrialService service;

    @Inject
    Trials trials;

    @Test
    void concurrentClaimersTakeEachTrialExactlyOnce() throws Exception {
        long campaign = campaignWithQueue(60);
        ExecutorService servers = Executors.newFixedThreadPool(4);
        List<Future<List<Long>>> claims = new ArrayList<>();
        for (int server = 0; server < 4; server++) {
            String owner = "server-" + server;
            claims.add(servers.submit(() -> {
                List<Long> mine = new ArrayList<>();
                for (Optional<EvaluationJob> job = service.claimNext(owner, LEASE); job.isPresent();
                        job = service.claimNext(owner, LEASE)) {
                    mine.add(job.get().trialId());
                }
                return mine;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> claim : claims) {
            all.addAll(claim.get(2, TimeUnit.MINUTES));
        }
        servers.shutdown();
        assertEquals(60, all.size(), "every queued trial claimed");
        assertEquals(60, new HashSet<>(all).size(), "no trial claimed twice: " + all);
        QuarkusTransaction.requiringNew().run(() -> {
            for (Long id : all) {
                Trial trial = trials.require(id);
                assertEquals(TrialState.RUNNING, trial.state);
                assertEquals(1, trial.attempts);
                assertTrue(trial.leaseOwner.startsWith("server-"), trial.leaseOwner);
            }
            assertEquals(60, CampaignEvent.count("campaignId = ?1 and type = 'trial.started'", campaign));
        });
    }

    @Test
    void aClaimPassesOverARowAnotherTransactionHolds() throws Exception {
        long campaign = campaignWithQueue(2);
        long oldest = QuarkusTransaction.requiringNew().call(() -> trials.byNumber(campaign, 1).orElseThrow().id);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        Future<?> holding = holder.submit((Callable<Void>) () -> {
            QuarkusTransaction.requiringNew().run(() -> {
                trials.lock(oldest); // as a cancellation of that trial holds it
                locked.countDown();
                await(release);
            });
            return null;
        });
        assertTrue(locked.await(30, TimeUnit.SECONDS));
        long started = System.nanoTime();
        Optional<EvaluationJob> claimed;
        try {
            claimed = service.claimNext("other-server", LEASE);
        } finally {
            release.countDown();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        holding.get(30, TimeUnit.SECONDS);
        holder.shutdown();
        assertTrue(claimed.isPresent());
        assertNotEquals(oldest, claimed.get().trialId(), "the locked row is skipped, not claimed");
        assertTrue(took.toSeconds() < 5, "the claim waited " + took + " for a lock it should skip");
    }

    @Test
    void anExpiredLeaseIsRecoveredByAnyServerAndALiveOneIsNot() {
        long campaign = campaignWithQueue(2);
        Instant now = Instant.now();
        long dead = service.claimNext("dead-server", now.minusSeconds(1)).orElseThrow().trialId();
        long alive = service.claimNext("live-server", now.plusSeconds(600)).orElseThrow().trialId();

        assertEquals(0, service.recoverInterrupted("third-server"), "a restart recovers only its own trials");
        assertEquals(1, service.recoverExpired(Instant.now()));
        QuarkusTransaction.requiringNew().run(() -> {
            Trial recovered = trials.require(dead);
            assertEquals(TrialState.QUEUED, recovered.state);
            assertTrue(recovered.notes.contains("server dead-server did not renew its lease"), recovered.notes);
            assertEquals(TrialState.RUNNING, trials.require(alive).state);
        });
        EvaluationJob again = service.claimNext("live-server", LEASE).orElseThrow();
        assertEquals(dead, again.trialId());
        assertEquals(2, again.attempt());
        assertEquals(1, QuarkusTransaction.requiringNew().call(() -> CampaignEvent.count(
                "campaignId = ?1 and type = 'trial.attempt_failed'", campaign)));
    }

    @Test
    void aWorkerLearnsThroughItsLeaseThatItsTrialWasCancelledElsewhere() {
        campaignWithQueue(2);
        EvaluationJob cancelled = service.claimNext("worker", LEASE).orElseThrow();
        EvaluationJob running = service.claimNext("worker", Instant.now().plusSeconds(5)).orElseThrow();
        service.cancel(cancelled.trialId(), "another server's user");

        Instant until = Instant.now().plusSeconds(3600);
        Set<Long> stop = service.renewLeases("worker", Map.of(cancelled.trialId(), cancelled.attempt(),
                running.trialId(), running.attempt()), until);
        assertEquals(Set.of(cancelled.trialId()), stop);
        QuarkusTransaction.requiringNew().run(() -> assertFalse(
                trials.require(running.trialId()).leaseUntil.isBefore(until.minusSeconds(1)), "the live lease is renewed"));
        assertEquals(Set.of(running.trialId()), service.renewLeases("worker", Map.of(running.trialId(),
                running.attempt() + 1), until), "a stale attempt of a trial is stopped too");
    }

    @Test
    void aFullQueueRefusesMoreWith429AndRetryAfter() {
        long campaign = Api.createCampaign("digits", null); // its baseline waits in the queue
        for (int epochs = 11; epochs < 10 + NoEvaluation.MAX_QUEUED; epochs++) {
            submit(campaign, epochs).statusCode(202);
        }
        submit(campaign, 999).statusCode(429).header("Retry-After", notNullValue())
                .contentType("application/problem+json")
                .body("detail", containsString("the limit is " + NoEvaluation.MAX_QUEUED));
        assertEquals(NoEvaluation.MAX_QUEUED, QuarkusTransaction.requiringNew().call(() -> trials.queued(campaign)));
    }

    private static ValidatableResponse submit(long campaign, int epochs) {
        return Api.as(Api.adminToken())
                .contentType(ContentType.JSON)
                .body(Map.of("hypothesis", epochs + " epochs", "diff",
                        Diffs.digits("EPOCHS = 10", "EPOCHS = " + epochs)))
                .post("/api/campaigns/{id}/trials", campaign).then();
    }

    /** Each test starts from a queue with nothing in it and nothing running: claims take the oldest trial. */
    @AfterEach
    void settleEverything() {
        QuarkusTransaction.requiringNew().run(() -> Trial.update("state = ?1 where state in (?2, ?3)",
                TrialState.CANCELLED, TrialState.QUEUED, TrialState.RUNNING));
    }

    /** A campaign on digits whose baseline is measured, with {@code queued} trials waiting after it. */
    private static long campaignWithQueue(int queued) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign campaign = new Campaign();
            campaign.name = "claims";
            campaign.environment = "digits";
            campaign.environmentHash = "0".repeat(64);
            campaign.status = CampaignStatus.ACTIVE;
            campaign.settings = "{}";
            campaign.createdAt = Instant.now();
            campaign.nextNumber = queued + 1;
            campaign.bestNumber = 0;
            campaign.bestScore = 0.5;
            campaign.persist();
            for (int number = 0; number <= queued; number++) {
                Trial trial = new Trial();
                trial.campaignId = campaign.id;
                trial.number = number;
                trial.parentNumber = number == 0 ? null : 0;
                trial.specialist = "test";
                trial.hypothesis = "trial " + number;
                trial.diff = "";
                trial.commitId = "0".repeat(40);
                trial.state = number == 0 ? TrialState.FINISHED : TrialState.QUEUED;
                trial.label = number == 0 ? Label.BASELINE : null;
                trial.submittedAt = Instant.now();
                trial.persist();
            }
            return campaign.id;
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
