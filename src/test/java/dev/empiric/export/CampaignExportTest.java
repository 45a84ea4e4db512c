package dev.empiric.export;

import static dev.empiric.export.ExportChecks.assertFailed;
import static dev.empiric.export.ExportChecks.assertFirstFailure;
import static dev.empiric.export.ExportChecks.verify;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.evaluator.InstanceIdentity;
import dev.empiric.campaign.CampaignEvent;
import dev.empiric.export.ExportChecks.Result;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.TrialService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BundleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export of a real campaign, made through the API on the digits environment in real containers:
 * a baseline measured on three seed sets, a keep, a discard, a crash, an illegal edit, a trial whose
 * first attempt was interrupted by a (simulated) server restart and retried, and two trials a runner's
 * offline specialist proposed (so that what it was shown is exported). Downloaded over REST, it must
 * pass the shipped verify.py and the server's own POST /api/verify; then each tamper of the issue,
 * made on a copy the way a careful forger would (the manifest recomputed), must fail with a message
 * that names it.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class CampaignExportTest {

    @Inject
    TrialService trialService;

    @Inject
    InstanceIdentity instance;

    @Inject
    GitTrialStore store;

    @TempDir
    static Path temp;

    /** The campaign and its export, made once for all tests of the class. */
    private record Made(long campaign, String key, byte[] zip, Path pristine, Map<String, Integer> numbers) {}

    private static Made made;

    private Made made() throws IOException {
        if (made == null) {
            made = makeAndExport();
        }
        return made;
    }

    private Made makeAndExport() throws IOException {
        long campaign = Api.measuredCampaign("digits", Map.of("recipeSeconds", 10));
        Map<String, Integer> numbers = new LinkedHashMap<>();
        String baseline = Diffs.recipeFile("digits", "train.py");
        numbers.put("keep", expect(Api.run(campaign, "learning rate 0.1 and momentum 0.9",
                Diffs.between("train.py", baseline, faster(baseline))), "KEEP"));
        numbers.put("discard", expect(runOn(campaign, 0, "nine epochs instead of ten",
                Diffs.digits("EPOCHS = 10", "EPOCHS = 9")), "DISCARD"));
        numbers.put("crash", expect(runOn(campaign, 0, "raise before training", resource("/diffs/digits/crash.diff")),
                "CRASH"));
        JsonPath illegal = submitOn(campaign, 0, "tune the scorer instead", "diff --git a/scorer/score.py"
                + " b/scorer/score.py\nnew file mode 100644\n--- /dev/null\n+++ b/scorer/score.py\n@@ -0,0 +1 @@\n"
                + "+print(1.0)\n");
        assertEquals("ILLEGAL_EDIT", illegal.getString("label"));
        numbers.put("illegal", illegal.getInt("number"));
        numbers.put("retried", retriedAfterAnInterruption(campaign, numbers.get("keep"), faster(baseline)));

        Api.startRunner(campaign, Map.of("maxTrials", 2, "specialists", List.of("opt"), "concurrency", 1));
        JsonPath run = Api.awaitRunner(campaign, state -> !state.getString("state").equals("RUNNING"));
        assertEquals("MAX_TRIALS", run.getString("endReason"), run.prettify());

        String key = given().get("/api/keys").then().statusCode(200).extract().path("publicKey");
        Response export = given().get("/api/campaigns/{id}/export", campaign).then().statusCode(200)
                .contentType("application/zip").extract().response();
        byte[] zip = export.asByteArray();
        assertEquals(String.valueOf(zip.length), export.header("Content-Length"));
        Path pristine = ExportChecks.unzip(zip, temp.resolve("pristine")).resolve(ExportWriter.folder(campaign));
        return new Made(campaign, key, zip, pristine, numbers);
    }

    @Test
    void theExportOfARealCampaignVerifies() throws IOException {
        Made m = made();
        Result result = verify(m.pristine(), m.key());
        assertEquals(0, result.exit(), result.output());
        int trials = 8; // baseline, keep, discard, crash, illegal, retried, two by the runner
        assertTrue(result.output().contains("records: " + trials + " trials in order, chained"), result.output());
        assertTrue(result.output().contains("git: " + (trials - 1) + " commits found in repo.bundle with their trees"
                + " and parents; " + (trials - 2) + " diffs re-applied"), result.output());
        assertTrue(result.output().contains("and 2 proposer views match their records"), result.output());
        assertTrue(result.output().contains(trials + " trials' submissions and outcomes agree with their records"),
                result.output());

        // The events are the server's own log, hash for hash.
        List<String> stored = QuarkusTransaction.requiringNew().call(() -> CampaignEvent.<CampaignEvent>list(
                "campaignId = ?1 order by seq", m.campaign()).stream().map(e -> e.hash).toList());
        List<String> exported = Files.readAllLines(m.pristine().resolve("events.jsonl")).stream()
                .map(line -> line.replaceAll(".*\"hash\":\"([0-9a-f]{64})\".*", "$1")).toList();
        assertEquals(stored, exported);
        String log = Files.readString(m.pristine().resolve("events.jsonl"));
        for (String type : List.of("campaign.created", "trial.submitted", "trial.rejected", "trial.started",
                "trial.attempt_failed", "trial.finished", "best.changed", "runner.started", "runner.ended")) {
            assertTrue(log.contains("\"type\":\"" + type + "\""), type + " is in the exported log");
        }
        String retried = Files.readAllLines(m.pristine().resolve("trials.jsonl")).get(m.numbers().get("retried"));
        assertTrue(retried.contains("\"attempts\":2"), retried);
        String illegal = Files.readAllLines(m.pristine().resolve("trials.jsonl")).get(m.numbers().get("illegal"));
        assertTrue(illegal.contains("\"commit\":null") && illegal.contains("\"label\":\"ILLEGAL_EDIT\""), illegal);

        // The server's own verification of the same bytes agrees.
        JsonPath verdict = given().contentType("application/zip").body(m.zip()).post("/api/verify").then()
                .statusCode(200).extract().jsonPath();
        assertTrue(verdict.getBoolean("verified"), verdict.prettify());
        assertEquals(result.output(), verdict.getString("report"));
        JsonPath otherKey = given().contentType("application/zip").body(m.zip())
                .queryParam("key", SigningKey.loadOrCreate(temp.resolve("other")).publicKey()).post("/api/verify")
                .then().statusCode(200).extract().jsonPath();
        assertFalse(otherKey.getBoolean("verified"));
        assertTrue(otherKey.getString("failures[0]").startsWith("checkpoint: signed by key "), otherKey.prettify());
    }

    @Test
    void aSecondExportCopiesTheFirstsFilesAndCarriesTheSame() throws IOException {
        Made m = made();
        Response again = given().get("/api/campaigns/{id}/export", m.campaign()).then().statusCode(200).extract()
                .response();
        Path second = ExportChecks.unzip(again.asByteArray(), temp.resolve("second")).resolve(ExportWriter.folder(
                m.campaign()));
        List<Path> files;
        try (Stream<Path> all = Files.walk(second)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        long attachments = files.stream().filter(f -> List.of("diffs", "logs", "views")
                .contains(f.getParent().getFileName().toString())).count();
        assertTrue(attachments >= 15, "diffs, logs and views of 8 trials: " + attachments);
        assertEquals(String.valueOf(attachments), again.header("Empiric-Export-Reused-Files"),
                "every file of the first export still applies, so each was copied rather than deflated again");
        for (Path file : files) {
            String name = second.relativize(file).toString();
            if (!name.equals("checkpoint") && !name.equals("MANIFEST.json")) { // these carry the time of the export
                assertArrayEquals(Files.readAllBytes(m.pristine().resolve(name)), Files.readAllBytes(file), name);
            }
        }
        Result result = verify(second, m.key());
        assertEquals(0, result.exit(), result.output());
    }

    @Test
    void theTablesCarryTheSameRecords() throws IOException {
        Made m = made();
        byte[] jsonl = given().get("/api/campaigns/{id}/export?format=jsonl", m.campaign()).then().statusCode(200)
                .contentType("application/x-ndjson").extract().asByteArray();
        assertArrayEquals(Files.readAllBytes(m.pristine().resolve("trials.jsonl")), jsonl);
        String csv = given().get("/api/campaigns/{id}/export?format=csv", m.campaign()).then().statusCode(200)
                .contentType("text/csv").extract().asString();
        assertTrue(csv.startsWith("number,parent,specialist,state,label,source_status,score,"), csv);
        assertTrue(csv.contains(",metrics.accuracy,metrics\r\n"), csv);
        assertEquals(9, csv.split("\r\n").length, "a header and eight trials: " + csv);
    }

    @Test
    void badRequestsAreRefusedClearly() {
        given().get("/api/campaigns/987654/export").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/campaigns/1/export?format=xlsx").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType("application/zip").body("not a zip".getBytes(StandardCharsets.UTF_8)).post("/api/verify")
                .then().statusCode(422).contentType("application/problem+json");
        given().contentType("application/zip").body(new byte[0]).queryParam("key", "short").post("/api/verify")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anEditedScoreIsNamed() throws IOException {
        Made m = made();
        int keep = m.numbers().get("keep");
        Path dir = copy();
        ExportChecks.editRecord(dir, keep, line -> line.replaceFirst("\"score\":[0-9.]+(?=,\"score_std\")", "\"score\":0.999")); // the trial's own, not a confirmation round's
        Result result = ExportChecks.resealAndVerify(dir, m.key());
        assertFirstFailure(result, "the record before trial " + (keep + 1) + " (line " + (keep + 2) + ") does not hash"
                + " to its prev_sha256: trial " + keep + " was changed");
        assertFailed(result, "trial " + keep + " scored 0.999 in trials.jsonl, but event ");
    }

    @Test
    void aKeepWhoseConfirmationDidNotHoldIsNamed() throws IOException {
        Made m = made();
        int keep = m.numbers().get("keep");
        Path dir = copy();
        ExportChecks.editRecord(dir, keep, line -> {
            assertTrue(line.contains("\"outcome\":\"CONFIRMED\""), "the kept trial was confirmed on fresh seeds: " + line);
            return line.replace("\"outcome\":\"CONFIRMED\"", "\"outcome\":\"NOT_CONFIRMED\"");
        });
        assertFailed(ExportChecks.resealAndVerify(dir, m.key()), "trial " + keep + " is labelled KEEP, but its"
                + " confirmation against trial 0 ended NOT_CONFIRMED: the keep rule says DISCARD");
    }

    @Test
    void aRemovedRecordIsNamed() throws IOException {
        Made m = made();
        int discard = m.numbers().get("discard");
        Path dir = copy();
        ExportChecks.removeRecord(dir, discard);
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "trials.jsonl line " + (discard + 1)
                + " holds trial " + (discard + 1) + " where trial " + discard + " belongs: trial " + discard
                + " is missing (removed)");
    }

    @Test
    void twoSwappedRecordsAreNamed() throws IOException {
        Made m = made();
        int discard = m.numbers().get("discard");
        Path dir = copy();
        ExportChecks.swapRecords(dir, discard, discard + 1);
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "trials.jsonl line " + (discard + 1)
                + " holds trial " + (discard + 1) + " where trial " + discard + " belongs: records out of order");
    }

    @Test
    void aChangedLabelIsNamed() throws IOException {
        Made m = made();
        int discard = m.numbers().get("discard");
        Path dir = copy();
        ExportChecks.editRecord(dir, discard, line -> line.replace("\"label\":\"DISCARD\"", "\"label\":\"KEEP\""));
        Result result = ExportChecks.resealAndVerify(dir, m.key());
        assertFirstFailure(result, "trial " + discard + " was changed");
        assertFailed(result, "trial " + discard + " is labelled KEEP in trials.jsonl, but event ");
        assertFailed(result, "trial " + discard + " is labelled KEEP, but its score ");
    }

    @Test
    void aChangedDiffIsNamed() throws IOException {
        Made m = made();
        int keep = m.numbers().get("keep");
        Path dir = copy();
        ExportChecks.editFile(dir, "diffs/" + keep + ".diff", diff -> diff.replace("+MOMENTUM = 0.9", "+MOMENTUM = 0.8"));
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "trial " + keep + ": diffs/" + keep
                + ".diff does not match the record's diff_sha256: the diff was changed");
    }

    @Test
    void aBundleMissingACommitIsNamed() throws IOException {
        Made m = made();
        int crash = m.numbers().get("crash"); // a leaf: no other trial builds on it
        Path dir = copy();
        Map<Integer, String> commits = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("trials.jsonl"))) {
            String commit = line.replaceAll(".*\"commit\":(null|\"([0-9a-f]{40})\").*", "$2");
            int number = Integer.parseInt(line.replaceAll(".*\"number\":(\\d+),.*", "$1"));
            if (!commit.isEmpty()) {
                commits.put(number, commit);
            }
        }
        try (Repository repository = new FileRepositoryBuilder().setGitDir(store.repositoryPath(m.campaign()).toFile())
                .build(); OutputStream out = Files.newOutputStream(dir.resolve("repo.bundle"))) {
            BundleWriter bundle = new BundleWriter(repository);
            commits.forEach((number, commit) -> {
                if (number != crash) {
                    bundle.include("refs/trials/" + number, ObjectId.fromString(commit));
                }
            });
            bundle.writeBundle(NullProgressMonitor.INSTANCE, out);
        }
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "trial " + crash + ": commit "
                + commits.get(crash) + " is not in repo.bundle");
    }

    @Test
    void anEditedTsvViewIsNamed() throws IOException {
        Made m = made();
        int keep = m.numbers().get("keep");
        Path dir = copy();
        ExportChecks.editFile(dir, "results.tsv", tsv -> tsv.replaceFirst("(\\n" + String.format("%03d", keep)
                + "\\t[^\\n]*?\\tkeep\\t)[0-9.]+\\t", "$10.999\t"));
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "results.tsv: the row of trial "
                + String.format("%03d", keep) + " differs from what the records give: its accuracy is '0.999'");
    }

    @Test
    void aSignatureFromAnotherKeyIsNamed() throws IOException {
        Made m = made();
        SigningKey forger = SigningKey.loadOrCreate(temp.resolve("forger"));
        Path dir = copy();
        ExportChecks.resign(dir, forger);
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "checkpoint: signed by key "
                + forger.fingerprint() + ", not by the given key " + SigningKey.fingerprint(m.key()));
    }

    @Test
    void anEditedEventIsNamed() throws IOException {
        Made m = made();
        Path dir = copy();
        ExportChecks.editFile(dir, "events.jsonl", log -> log.replaceFirst("\\\\\"label\\\\\":\\\\\"DISCARD\\\\\"",
                "\\\\\"label\\\\\":\\\\\"KEEP\\\\\""));
        assertFirstFailure(ExportChecks.resealAndVerify(dir, m.key()), "does not hash to its recorded hash: it was"
                + " changed");
    }

    // ------------------------------------------------------------------ helpers

    private Path copy() throws IOException {
        return ExportChecks.copy(made().pristine(), temp);
    }

    private static int expect(JsonPath trial, String label) {
        assertEquals(label, trial.getString("label"), trial.prettify());
        return trial.getInt("number");
    }

    private static JsonPath submitOn(long campaign, int parent, String hypothesis, String diff) {
        return given().contentType(ContentType.JSON).body(Map.of("hypothesis", hypothesis, "diff", diff,
                "specialist", "test", "parent", parent)).post("/api/campaigns/{id}/trials", campaign)
                .then().statusCode(202).extract().jsonPath();
    }

    private static JsonPath runOn(long campaign, int parent, String hypothesis, String diff) {
        return Api.await(submitOn(campaign, parent, hypothesis, diff).getLong("id"));
    }

    /**
     * A trial whose attempt is interrupted while it runs, as a server restart does
     * ({@link TrialService#recoverInterrupted}): the attempt fails for reasons outside the recipe, the
     * trial is queued again, and its second attempt finishes it. Tries again with a fresh trial if the
     * first one finishes before it is caught running.
     */
    private int retriedAfterAnInterruption(long campaign, int parent, String recipe) {
        for (int tries = 0; tries < 3; tries++) {
            long id = submitOn(campaign, parent, "more epochs with the faster learning rate", Diffs.between("train.py",
                    recipe, recipe.replace("EPOCHS = 10", "EPOCHS = " + (12 + tries)))).getLong("id");
            Instant until = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(until) && !Api.trial(id).getString("state").equals("RUNNING")) {
                pause();
            }
            int interrupted = trialService.recoverInterrupted(instance.id());
            JsonPath trial = Api.await(id);
            if (interrupted == 1 && trial.getInt("attempts") == 2) {
                assertTrue(trial.getString("notes").contains("interrupted by a server stop"), trial.prettify());
                return trial.getInt("number");
            }
        }
        throw new AssertionError("no trial could be caught running in three tries");
    }

    /** digits' train.py with the learning rate and momentum of the keep. */
    private static String faster(String recipe) {
        return recipe.replace("LEARNING_RATE = 0.01", "LEARNING_RATE = 0.1").replace("MOMENTUM = 0.0", "MOMENTUM = 0.9");
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = CampaignExportTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
