package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentCatalog;
import com.github.dockerjava.api.DockerClient;
import dev.empiric.support.Api;
import dev.empiric.support.Containers;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.trial.Trial;
import dev.empiric.trial.TrialService;
import dev.empiric.trial.TrialState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a restarted server does about the state a crashed one left: its containers are removed, its
 * RUNNING trials get another attempt (or a label once attempts run out), and nothing is lost.
 * The tests tagged {@code store} depend on the database and run on PostgreSQL too.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class RecoveryTest {

    @Inject
    Sandbox sandbox;

    @Inject
    DockerClient docker;

    @Inject
    TrialService trials;

    @Inject
    EnvironmentCatalog catalog;

    @Test
    void containersLeftByACrashedRunAreRemoved() {
        Api.measuredCampaign("digits", null); // builds the image the keeper runs
        // the baseline's own containers and volumes go shortly after its outcome, off the evaluator's path
        Containers.awaitNoneLeft(docker, sandbox.instanceId(), Duration.ofSeconds(20));
        String keeper = sandbox.startKeeper(catalog.find("digits").orElseThrow().recipeImage(), null, null, List.of(),
                new Sandbox.Limits(32, 0.25, 16), Duration.ofMinutes(5), sandbox.labels(12345, 7));
        assertTrue(Containers.of(docker, sandbox.instanceId()).contains(keeper));
        assertEquals(1, sandbox.removeLeftovers());
        assertFalse(Containers.of(docker, sandbox.instanceId()).contains(keeper));
    }

    /**
     * On an engine that servers of one store share, a server that died leaves its containers running;
     * the others remove them once its lease on their trial ran out, not while it holds it, and never
     * touch what a server of another store left, even under the same instance id.
     */
    @Test
    @Tag("store")
    void aDeadPeersLeftoversAreRemovedOnceItsLeaseRanOutAndAnotherStoresNever() {
        long campaign = Api.measuredCampaign("digits", null);
        long id = Api.run(campaign, "more epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 12")).getLong("id");
        int number = Api.trial(id).getInt("number");
        String peer = sandbox.instanceId() + "-peer";
        QuarkusTransaction.requiringNew().run(() -> { // as the peer holds it, mid-attempt
            Trial trial = Trial.findById(id);
            trial.state = TrialState.RUNNING;
            trial.leaseOwner = peer;
            trial.leaseUntil = Instant.now().plus(Duration.ofMinutes(10));
        });
        Map<String, String> peers = new HashMap<>(sandbox.labels(campaign, number));
        peers.put(Sandbox.LABEL_INSTANCE, peer);
        Map<String, String> anotherStores = new HashMap<>(peers);
        anotherStores.put(Sandbox.LABEL_STORE, "another-store");
        String image = catalog.find("digits").orElseThrow().recipeImage();
        String peerVolume = sandbox.createTmpfsVolume("empiric-" + peer + "-out", 1, peers);
        String peerKeeper = sandbox.startKeeper(image, null, null, List.of(new Sandbox.Volume(peerVolume, "/kept", true)),
                new Sandbox.Limits(32, 0.25, 16), Duration.ofMinutes(5), peers);
        String foreignKeeper = sandbox.startKeeper(image, null, null, List.of(), new Sandbox.Limits(32, 0.25, 16),
                Duration.ofMinutes(5), anotherStores);
        try {
            for (int sweep = 0; sweep < 3; sweep++) {
                sandbox.removeStrays(Set.of(), () -> trials.liveLeases(Instant.now()));
            }
            assertTrue(Containers.of(docker, peer).contains(peerKeeper), "a peer's container is left while it holds the lease");
            assertEquals(List.of(peerVolume), Containers.volumes(docker, peer));

            QuarkusTransaction.requiringNew().run(() -> Trial.<Trial>findById(id).leaseUntil = Instant.now().minusSeconds(1));
            for (int sweep = 0; sweep < 2; sweep++) { // a stray is removed at its second sighting
                sandbox.removeStrays(Set.of(), () -> trials.liveLeases(Instant.now()));
            }
            assertEquals(List.of(foreignKeeper), Containers.of(docker, peer), "the peer's keeper went, another store's stayed");
            assertEquals(List.of(), Containers.volumes(docker, peer));
        } finally {
            sandbox.remove(foreignKeeper);
            sandbox.remove(peerKeeper);
            sandbox.removeVolume(peerVolume);
        }
        // this server's heartbeat took the trial over from the peer meanwhile, or takes it over now
        assertEquals("FINISHED", Api.await(id).getString("state"));
    }

    @Test
    @Tag("store")
    void anInterruptedTrialIsRequeuedAndRunsAgain() {
        long campaign = Api.measuredCampaign("digits", null);
        JsonPath first = Api.run(campaign, "more epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 14"));
        long id = first.getLong("id");
        // As a kill -9 leaves it: RUNNING in the store, with one attempt spent.
        QuarkusTransaction.requiringNew().run(() -> {
            Trial trial = Trial.findById(id);
            trial.state = TrialState.RUNNING;
            trial.label = null;
        });
        assertEquals(1, trials.recoverInterrupted(sandbox.instanceId()));
        JsonPath again = Api.await(id);
        assertEquals("FINISHED", again.getString("state"));
        assertEquals(2, again.getInt("attempts"));
        assertEquals(first.getDouble("score"), again.getDouble("score"), 1e-12);
        assertTrue(again.getString("notes").contains("interrupted by a server stop"), again.getString("notes"));
    }

    @Test
    @Tag("store")
    void aTrialOutOfAttemptsIsLabelledInfraErrorNotLost() {
        long campaign = Api.measuredCampaign("digits", null);
        long id = Api.run(campaign, "fewer epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 9")).getLong("id");
        QuarkusTransaction.requiringNew().run(() -> {
            Trial trial = Trial.findById(id);
            trial.state = TrialState.RUNNING;
            trial.attempts = 3;
        });
        trials.recoverInterrupted(sandbox.instanceId());
        JsonPath trial = Api.trial(id);
        assertEquals("FINISHED", trial.getString("state"));
        assertEquals("INFRA_ERROR", trial.getString("label"));
    }
}
