package dev.empiric.trial;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.empiric.FileTrees;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A broken trial store is the platform's fault, never the agent's. Before the fix, any I/O error
 * while committing (here: a repository whose objects are gone) was recorded as INVALID_PATCH, which
 * tells the agent its diff was wrong and feeds that lie back through the lineage view.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class StoreFaultsTest {

    @Inject
    GitTrialStore store;

    @Test
    void aCorruptedRepositoryIsAnInfrastructureFailureAndOtherCampaignsCarryOn() {
        long broken = Api.measuredCampaign("digits", null);
        long healthy = Api.measuredCampaign("digits", null);
        FileTrees.delete(store.repositoryPath(broken).resolve("objects"));
        String diff = Diffs.digits("EPOCHS = 10", "EPOCHS = 12");

        given().contentType(ContentType.JSON).header("Idempotency-Key", "retry-me")
                .body(Map.of("hypothesis", "more epochs", "diff", diff))
                .post("/api/campaigns/{id}/trials", broken)
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                .body("detail", containsString("the trial store of campaign " + broken + " failed"))
                .body("detail", containsString("nothing is wrong with the diff"));

        // The key was not spent on a failure: the same request is tried again, not replayed.
        given().contentType(ContentType.JSON).header("Idempotency-Key", "retry-me")
                .body(Map.of("hypothesis", "more epochs", "diff", diff))
                .post("/api/campaigns/{id}/trials", broken).then().statusCode(503);

        List<Map<String, Object>> trials = Api.trials(broken);
        Map<String, Object> recorded = trials.get(trials.size() - 1);
        assertEquals("INFRA_ERROR", recorded.get("label"), "the submission is recorded, and not as the agent's fault");
        assertNull(recorded.get("commit"));
        JsonPath lineage = given().get("/api/campaigns/{id}/lineage", broken).then().statusCode(200).extract().jsonPath();
        assertEquals(Map.of("BASELINE", 1), lineage.getMap("labelCounts"), "infrastructure failures stay out of the view");

        assertEquals(3, trials.size(), "the baseline and both failed submissions");
        String label = Api.run(healthy, "more epochs", diff).getString("label");
        assertTrue(Set.of("KEEP", "DISCARD").contains(label), "the healthy campaign's trial ended " + label);
    }

    /**
     * A real full disk: the campaign's repository is moved onto a 1 MB tmpfs that a filler file then
     * fills. Submissions to it are refused with 503 and recorded as INFRA_ERROR; another campaign takes
     * trials meanwhile; once there is room again the same campaign takes them too. Needs root (to
     * mount), as CI has; skipped elsewhere.
     */
    @Test
    void aFullDiskIsAnInfrastructureFailureUntilThereIsRoomAgain() throws Exception {
        long full = Api.createCampaign("digits", null);
        long other = Api.createCampaign("digits", null);
        Path repository = store.repositoryPath(full);
        Path aside = repository.resolveSibling(repository.getFileName() + ".aside");
        Files.move(repository, aside);
        Files.createDirectory(repository);
        boolean mounted = sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", repository.toString()) == 0;
        try {
            assumeTrue(mounted, "cannot mount a tmpfs here (not root?)");
            assertEquals(0, sh("cp", "-a", aside + "/.", repository.toString()));
            Path filler = repository.resolve("filler");
            sh("dd", "if=/dev/zero", "of=" + filler, "bs=4k"); // ends with "No space left on device"

            given().contentType(ContentType.JSON).body(Map.of("hypothesis", "more epochs",
                            "diff", Diffs.digits("EPOCHS = 10", "EPOCHS = 12")))
                    .post("/api/campaigns/{id}/trials", full)
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                    .body("detail", containsString("nothing is wrong with the diff"));
            List<Map<String, Object>> trials = Api.trials(full);
            assertEquals("INFRA_ERROR", trials.get(trials.size() - 1).get("label"));
            assertEquals("QUEUED", Api.submit(other, "more epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 12"))
                    .getString("state"), "another campaign is not affected");

            Files.delete(filler);
            JsonPath accepted = Api.submit(full, "fewer epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 8"));
            assertEquals("QUEUED", accepted.getString("state"), "room again, and the campaign takes trials");
            assertEquals(0, sh("cp", "-a", repository + "/.", aside.toString()));
        } finally {
            if (mounted) {
                sh("umount", "-l", repository.toString());
            }
            Files.delete(repository);
            Files.move(aside, repository);
        }
    }

    private static int sh(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
