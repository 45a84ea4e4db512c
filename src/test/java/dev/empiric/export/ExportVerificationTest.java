package dev.empiric.export;

import dev.empiric.Sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.empiric.export.ExportChecks.assertFailed;
import static dev.empiric.export.ExportChecks.assertFirstFailure;
import static dev.empiric.export.ExportChecks.editRecord;
import static dev.empiric.export.ExportChecks.verify;
import dev.empiric.export.ExportChecks.Result;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.empiric.trial.Label;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.BundleWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An export of a real campaign (see {@link ExportFixture}) verified by the shipped verify.py, as an
 * auditor would run it, then tampered with in each way the issue lists. Each tamper is made the way
 * a careful forger would: the manifest is recomputed afterwards, so the check that catches it is
 * the one that names it, not the manifest.
 */
@Tag("unit")
class ExportVerificationTest extends ExportFixtureTest {

    static ExportWriter.Summary summary;
    static byte[] zip;
    static Path pristine;

    @BeforeAll
    static void export() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        summary = writer().writeZip(fixture.source(), fixture.repository, out);
        zip = out.toByteArray();
        pristine = unzip(zip, temp.resolve("pristine")).resolve(summary.folder());
    }

    @Test
    void theUntouchedExportVerifiesAndHoldsEveryPart() throws IOException {
        Result result = verify(pristine, fixture.key.publicKey());
        assertEquals(0, result.exit(), result.output());
        assertEquals(result.output(), Verifier.verify(pristine, fixture.key.publicKey()).report(), "the same summary");
        assertTrue(result.output().startsWith("VERIFIED campaign 1 'export fixture' (digits; accuracy, maximize)"),
                result.output());
        assertTrue(result.output().contains("records: 10 trials in order, chained, Merkle root " + summary.merkleRoot()),
                result.output());
        assertTrue(result.output().contains("git: 9 commits found in repo.bundle with their trees and parents; 8 diffs"
                + " re-applied to their parent's tree give the recorded tree"), result.output());
        assertTrue(result.output().contains("labels: 6 KEEP/DISCARD decisions follow the keep rule"), result.output());
        assertTrue(result.output().contains("files: 9 diffs, 9 logs and 8 proposer views match their records"),
                result.output());

        assertEquals(new ExportWriter.Summary("campaign-1-export", 10, summary.events(), 9, summary.merkleRoot(),
                fixture.key.fingerprint(), zip.length, 0), summary);
        List<String> events = Files.readAllLines(pristine.resolve("events.jsonl"));
        assertEquals(summary.events(), events.size());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"trial.attempt_failed\"")
                && e.contains("\"trial\":5") && e.contains("no space left on device")), "the retried infra error is in the log");
        assertTrue(result.output().contains("events: " + summary.events() + " events in order, each hashed and chained by"
                + " the server's rule, as signed; 10 trials' submissions and outcomes agree with their records"),
                result.output());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"trial.rejected\"") && e.contains("\"trial\":4")));
        String illegal = Files.readAllLines(pristine.resolve("trials.jsonl")).get(4);
        assertTrue(illegal.contains("\"commit\":null") && illegal.contains("\"label\":\"ILLEGAL_EDIT\""), illegal);
        assertTrue(Files.exists(pristine.resolve("diffs/4.diff")), "the refused diff is kept for the record");
        String best = Files.readString(pristine.resolve("best.json"));
        assertTrue(best.contains("\"exp_id\":\"007\"") && best.contains("\"score\":0.97"), best);
        assertTrue(Files.readString(pristine.resolve("KNOWLEDGE.md")).contains(
                "     └─ exp_007 [combiner, keep, accuracy=0.97, Δ=0.02] Combine momentum"));
    }

    @Test
    void aNaiveEditIsCaughtByTheManifest() throws IOException {
        Path dir = copy();
        editRecord(dir, 2, line -> line.replace("\"score\":0.935", "\"score\":0.999"));
        Result result = verify(dir, fixture.key.publicKey());
        assertFailed(result, "trials.jsonl: its sha256 is");
        assertFailed(result, "MANIFEST.json says");
    }

    @Test
    void anEditedScoreIsNamed() throws IOException {
        Path dir = copy();
        editRecord(dir, 2, line -> line.replace("\"score\":0.935", "\"score\":0.999"));
        Result result = resealAndVerify(dir);
        assertFirstFailure(result, "the record before trial 3 (line 4) does not hash to its prev_sha256: trial 2 was changed");
        assertFailed(result, "trial 2 is labelled DISCARD, but its score 0.999 improves on the incumbent trial 1");
        assertFailed(result, "results.tsv: the row of trial 002 differs from what the records give: its accuracy is '0.935', the records give '0.999'");
    }

    @Test
    void aRemovedRecordIsNamed() throws IOException {
        Path dir = copy();
        ExportChecks.removeRecord(dir, 4);
        assertFirstFailure(resealAndVerify(dir), "trials.jsonl line 5 holds trial 5 where trial 4 belongs: trial 4 is"
                + " missing (removed)");
    }

    @Test
    void twoSwappedRecordsAreNamed() throws IOException {
        Path dir = copy();
        ExportChecks.swapRecords(dir, 5, 6);
        assertFirstFailure(resealAndVerify(dir), "trials.jsonl line 6 holds trial 6 where trial 5 belongs: records out"
                + " of order");
    }

    @Test
    void aChangedLabelIsNamed() throws IOException {
        Path dir = copy();
        editRecord(dir, 6, line -> line.replace("\"label\":\"DISCARD\"", "\"label\":\"KEEP\""));
        Result result = resealAndVerify(dir);
        assertFirstFailure(result, "trial 6 was changed");
        assertFailed(result, "trial 6 is labelled KEEP, but its score 0.94 does not beat the incumbent trial 7 (0.97)");
    }

    @Test
    void aChangedDiffIsNamed() throws IOException {
        Path dir = copy();
        Path diff = dir.resolve("diffs/2.diff");
        Files.writeString(diff, Files.readString(diff).replace("HIDDEN_UNITS = 64", "HIDDEN_UNITS = 65"));
        assertFirstFailure(resealAndVerify(dir), "trial 2: diffs/2.diff does not match the record's diff_sha256: the"
                + " diff was changed");
    }

    @Test
    void aBundleMissingACommitIsNamed() throws IOException {
        Path dir = copy();
        BundleWriter bundle = new BundleWriter(fixture.repository);
        for (TrialExport trial : fixture.trials) {
            if (trial.record().commit() != null && trial.record().number() != 9) {
                bundle.include("refs/trials/" + trial.record().number(), ObjectId.fromString(trial.record().commit()));
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("repo.bundle"))) {
            bundle.writeBundle(NullProgressMonitor.INSTANCE, out);
        }
        String commit = fixture.trials.get(9).record().commit();
        assertFirstFailure(resealAndVerify(dir), "trial 9: commit " + commit + " is not in repo.bundle");
    }

    @Test
    void anEditedTsvViewIsNamed() throws IOException {
        Path dir = copy();
        Path results = dir.resolve("results.tsv");
        Files.writeString(results, Files.readString(results).replace("\tkeep\t0.93\t", "\tkeep\t0.99\t"));
        assertFirstFailure(resealAndVerify(dir), "results.tsv: the row of trial 001 differs from what the records give: its"
                + " accuracy is '0.99', the records give '0.93'");
    }

    @Test
    void aSignatureFromAnotherKeyIsNamed() throws IOException {
        SigningKey forger = SigningKey.loadOrCreate(temp.resolve("forger"));
        Path dir = copy();
        Checkpoint original = CanonicalJson.read(Files.readString(dir.resolve("checkpoint")), Checkpoint.class);
        ExportChecks.resign(dir, forger);
        assertFirstFailure(resealAndVerify(dir), "checkpoint: signed by key " + forger.fingerprint()
                + ", not by the given key " + fixture.key.fingerprint());

        // A forger who keeps the server's key name still cannot make the signature verify.
        ObjectNode named = (ObjectNode) CanonicalJson.parse(CanonicalJson.string(original.signedWith(forger)));
        named.put("key", fixture.key.fingerprint());
        named.remove("signature");
        named.put("signature", java.util.Base64.getEncoder().encodeToString(forger.sign(CanonicalJson.bytes(named
                .deepCopy().without("signature")))));
        Files.writeString(dir.resolve("checkpoint"), CanonicalJson.string(named) + "\n");
        assertFirstFailure(resealAndVerify(dir), "checkpoint: the signature does not verify with the given key "
                + fixture.key.fingerprint());

        // And an auditor given the wrong key learns so from the untouched export.
        assertFirstFailure(verify(pristine, forger.publicKey()), "checkpoint: signed by key " + fixture.key.fingerprint()
                + ", not by the given key " + forger.fingerprint());
    }

    /** Even the server's own signature does not make a diff that is not the commit's pass. */
    @Test
    void aSignedExportWhoseDiffIsNotTheCommitsFails() throws IOException {
        TrialExport honest = fixture.trials.get(2);
        String other = honest.diff().replace("HIDDEN_UNITS = 64", "HIDDEN_UNITS = 128");
        Path dir = exportWith(t -> t.record().number() == 2
                ? new TrialExport(t.record(), other, t.log()) : t, "lying-diff");
        String tree = Files.readAllLines(dir.resolve("trials.jsonl")).get(2).replaceAll(".*\"tree\":\"(\\w+)\".*", "$1");
        Result result = verify(dir, fixture.key.publicKey());
        assertFirstFailure(result, "trial 2: event ");
        assertFailed(result, "(trial.submitted) recorded the diff's sha256 as " + Sha256.hex(fixture.trials.get(2).diff()));
        assertFailed(result, "trial 2: diffs/2.diff applied to trial 1's tree gives tree ");
        assertFailed(result, ", not the recorded " + tree);
    }

    /** ...nor a label that the declared keep rule contradicts. */
    @Test
    void aSignedExportWhoseLabelBreaksTheKeepRuleFails() throws IOException {
        Path dir = exportWith(t -> t.record().number() == 9 ? relabel(t, Label.KEEP) : t, "lying-label");
        Result result = verify(dir, fixture.key.publicKey());
        assertFirstFailure(result, "trial 9 is labelled KEEP in trials.jsonl, but event ");
        assertFailed(result, "(trial.finished) recorded DISCARD");
        assertFailed(result, "trial 9 is labelled KEEP, but its score 0.975"
                + " improves on the incumbent trial 7 (0.97) by 0.0050000000000000044 against a threshold of 0.008:"
                + " the keep rule says DISCARD");
    }

    @Test
    void theTablesCarryTheSameRecords() throws IOException {
        ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
        ExportWriter.writeJsonl(fixture.trials.stream(), fixture.repository, jsonl);
        assertArrayEquals(Files.readAllBytes(pristine.resolve("trials.jsonl")), jsonl.toByteArray());

        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        ExportWriter.writeCsv(fixture.trials.stream(), fixture.repository, List.of("accuracy", "train_seconds"), csv);
        String table = csv.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("number,parent,specialist,state,label,source_status,score,"), table);
        assertTrue(table.contains(",metrics.accuracy,metrics.train_seconds,metrics\r\n"), table);
        assertTrue(table.contains(",\"'=HYPERLINK(\"\"http://attacker.invalid\"\") lower the learning rate a little\","),
                "a formula is defused: " + table);
        assertTrue(table.contains(",0.97,3.2,\"{\"\"accuracy\"\":0.97,"), table);
    }

    @Test
    void exportingTwiceGivesTheSameRecordsAndViews() throws IOException {
        Path again = exportWith(UnaryOperator.identity(), "again");
        for (String file : List.of("trials.jsonl", "events.jsonl", "results.tsv", "tree.tsv", "best.json",
                "LEADERBOARD.md", "KNOWLEDGE.md", "checkpoint")) {
            assertArrayEquals(Files.readAllBytes(pristine.resolve(file)), Files.readAllBytes(again.resolve(file)), file);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static TrialExport relabel(TrialExport t, Label label) {
        ExportRecord r = t.record();
        return new TrialExport(new ExportRecord(r.number(), r.parent(), r.specialist(), r.hypothesis(), r.expectedDelta(),
                null, r.commit(), null, r.state(), label, null, r.reason(), r.score(), r.scoreStd(), r.metrics(),
                r.artifactBytes(), r.judgement(), r.timings(), r.attempts(), r.proposerViewSha256(), null, null), t.diff(),
                t.log());
    }

    /** An export signed by the server's key, of the fixture with some trials replaced. */
    private static Path exportWith(UnaryOperator<TrialExport> change, String name) throws IOException {
        ExportSource changed = fixture.source(UnaryOperator.identity(), trials -> trials.map(change),
                UnaryOperator.identity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportWriter.Summary written = writer().writeZip(changed, fixture.repository, out);
        return unzip(out.toByteArray(), temp.resolve(name)).resolve(written.folder());
    }

    private static Path copy() throws IOException {
        return ExportChecks.copy(pristine, temp);
    }

    private static Result resealAndVerify(Path dir) throws IOException {
        return ExportChecks.resealAndVerify(dir, fixture.key.publicKey());
    }

    private static Path unzip(byte[] zip, Path target) throws IOException {
        return ExportChecks.unzip(zip, target);
    }
}
