package dev.empiric.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The {@code empiric} command against a real server: every command a researcher or a shell agent uses. */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmpiricCliTest {

    @TestHTTPResource("/")
    URL server;

    long campaign;

    /** What one run of the command printed, and how it ended. */
    record Run(int exit, String out, String err) {

        JsonNode json() throws Exception {
            return Empiric.JSON.readTree(out);
        }
    }

    Run empiric(String... args) {
        return empiric(Map.of("EMPIRIC_URL", server.toString(), "EMPIRIC_TOKEN", Api.adminToken()), args);
    }

    static Run empiric(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Empiric.run(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    Run as(String token, String... args) {
        List<String> all = new ArrayList<>(List.of("--token", token));
        all.addAll(List.of(args));
        return empiric(all.toArray(String[]::new));
    }

    @BeforeEach
    void aCampaign() throws Exception {
        if (campaign != 0) {
            return;
        }
        Run created = empiric("create", "digits", "--name", "from the CLI", "--json");
        assertEquals(0, created.exit(), created.err());
        campaign = created.json().get("id").asLong();
        Api.awaitNumber(campaign, 0);
    }

    @Test
    void campaignsAreListed() {
        Run campaigns = empiric("campaigns");
        assertEquals(0, campaigns.exit(), campaigns.err());
        assertThat(campaigns.out(), containsString("from the CLI"));
        assertThat(campaigns.out(), containsString("digits"));
    }

    @Test
    void anAgentWithACampaignTokenSubmitsWaitsAndReads(@TempDir Path dir) throws Exception {
        Run token = empiric("token", "create", Long.toString(campaign), "--name", "shell-agent");
        assertEquals(0, token.exit(), token.err());
        String agent = token.out().strip();
        assertThat(agent, matchesPattern("emp_\\d+_[A-Za-z0-9_-]{43}"));

        Path diff = dir.resolve("change.diff");
        Files.writeString(diff, Diffs.digits("LEARNING_RATE = 0.01", "LEARNING_RATE = 0.1"));
        Run submitted = as(agent, "submit", Long.toString(campaign), "--diff", diff.toString(),
                "--hypothesis", "a larger learning rate converges within the epochs", "--parent", "0", "--wait");
        assertEquals(0, submitted.exit(), submitted.err());
        assertThat(submitted.out(), containsString("trial " + campaign + "/"));
        assertThat(submitted.out(), matchesPattern("(?s).*(KEEP|DISCARD).*"));
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("trial \\d+/(\\d+)").matcher(submitted.out());
        assertTrue(number.find(), submitted.out());
        String trial = campaign + "/" + number.group(1);

        Run shown = as(agent, "trial", trial, "--json");
        assertEquals("FINISHED", shown.json().get("state").asText());
        assertThat(as(agent, "trial", trial, "--diff").out(), containsString("+LEARNING_RATE = 0.1"));
        assertThat(as(agent, "trial", shown.json().get("id").asText(), "--log").out(), containsString("=== "));
        assertThat(as(agent, "trial", trial, "--files").out(), containsString("train.py"));
        assertThat(as(agent, "lineage", Long.toString(campaign), "--specialist", "external").out(), containsString("#"));

        // From the start of the log: the baseline ends first.
        Run watched = as(agent, "watch", Long.toString(campaign), "--since", "0", "--count", "1");
        assertEquals(0, watched.exit(), watched.err());
        assertThat(watched.out().strip(), matchesPattern("#0 +baseline +BASELINE .*"));

        // Live: a watcher started before a submission prints the trial when it ends (once earlier ones have).
        Api.trials(campaign).stream().filter(row -> List.of("QUEUED", "RUNNING").contains(row.get("state")))
                .forEach(row -> Api.await(((Number) row.get("id")).longValue()));
        java.util.concurrent.CompletableFuture<Run> live = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> as(agent, "watch", Long.toString(campaign), "--count", "1"));
        Thread.sleep(2000); // the stream opens; events before it are not replayed without --since
        long next = Api.submit(campaign, "fewer epochs", Diffs.digits("EPOCHS = 10", "EPOCHS = 8")).getLong("number");
        Run followed = live.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(0, followed.exit(), followed.err());
        assertThat(followed.out().strip(), matchesPattern("#" + next + " +test .*"));
    }

    @Test
    void aCheckoutIsEditedAndSubmittedStraightFromGitDiff(@TempDir Path dir) throws Exception {
        Path checkout = dir.resolve("recipe");
        Run checkedOut = empiric("checkout", Long.toString(campaign), checkout.toString(), "--trial", "0");
        assertEquals(0, checkedOut.exit(), checkedOut.err());
        Path train = checkout.resolve("train.py");
        Files.writeString(train, Files.readString(train).replace("EPOCHS = 10", "EPOCHS = 11"));
        Run submitted = empiric("submit", Long.toString(campaign), "--git", "-C", checkout.toString(),
                "--hypothesis", "one more epoch", "--json");
        assertEquals(0, submitted.exit(), submitted.err());
        assertEquals(0, submitted.json().get("parent").asInt(), "the checkout's trial is the parent");
        assertThat(empiric("trial", submitted.json().get("id").asText(), "--diff").out(), containsString("+EPOCHS = 11"));
    }

    @Test
    void theRunnerStartsAndStopsWithTheCampaignsToken() {
        String agent = empiric("token", "create", Long.toString(campaign), "--name", "runner-bot").out().strip();
        Run started = as(agent, "runner", "start", Long.toString(campaign), "--max-trials", "1", "--specialists", "opt");
        assertEquals(0, started.exit(), started.err());
        assertThat(started.out(), containsString("RUNNING"));
        Run stopped = as(agent, "runner", "stop", Long.toString(campaign));
        assertEquals(0, stopped.exit(), stopped.err());
        assertThat(stopped.out(), containsString("STOPPED"));
        assertThat(empiric("runner", "status", Long.toString(campaign), "--json").out(), containsString("\"STOPPED\""));
    }

    @Test
    void tokensAreListedAndARevokedOneIsRefused() throws Exception {
        String doomed = empiric("token", "create", Long.toString(campaign), "--name", "doomed", "--days", "1").out().strip();
        Run listed = empiric("token", "list", Long.toString(campaign), "--json");
        long id = 0;
        for (JsonNode token : listed.json()) {
            if (token.get("name").asText().equals("doomed")) {
                id = token.get("id").asLong();
            }
        }
        assertTrue(id > 0, listed.out());
        assertThat(listed.out(), org.hamcrest.Matchers.not(containsString(doomed)));
        assertEquals(0, empiric("token", "revoke", Long.toString(campaign), Long.toString(id)).exit());
        Run refused = as(doomed, "runner", "stop", Long.toString(campaign));
        assertEquals(Empiric.NOT_AUTHORISED, refused.exit());
        assertThat(refused.err(), containsString("revoked"));
    }

    @Test
    void failuresSayWhyAndExitWithTheirCode(@TempDir Path dir) throws Exception {
        Run other = empiric("create", "digits", "--name", "another", "--json");
        String foreign = empiric("token", "create", other.json().get("id").asText(), "--name", "elsewhere").out().strip();
        Path diff = dir.resolve("change.diff");
        Files.writeString(diff, Diffs.digits("EPOCHS = 10", "EPOCHS = 9"));

        Run forbidden = as(foreign, "submit", Long.toString(campaign), "--diff", diff.toString(), "--hypothesis", "x");
        assertEquals(Empiric.NOT_AUTHORISED, forbidden.exit());
        assertThat(forbidden.err(), containsString("may write only to campaign"));

        Run anonymous = empiric(Map.of("EMPIRIC_URL", server.toString(), "EMPIRIC_DATA_DIR", dir.toString()),
                "submit", Long.toString(campaign), "--diff", diff.toString(), "--hypothesis", "x");
        assertEquals(Empiric.NOT_AUTHORISED, anonymous.exit());
        assertThat(anonymous.err(), containsString("needs an API token"));

        Files.writeString(diff, "make it better");
        Run refused = empiric("submit", Long.toString(campaign), "--diff", diff.toString(), "--hypothesis", "x");
        assertEquals(Empiric.REFUSED, refused.exit());
        assertThat(refused.err(), containsString("HTTP 422"));

        assertEquals(Empiric.NOT_FOUND, empiric("trial", "987654").exit());
        assertEquals(Empiric.USAGE, empiric("submit", Long.toString(campaign), "--hypothesis", "no diff").exit());
        assertEquals(Empiric.USAGE, empiric("trial", "three").exit());
        Run unreachable = empiric("--url", "http://127.0.0.1:1", "campaigns");
        assertEquals(Empiric.UNREACHABLE, unreachable.exit());
        assertThat(unreachable.err(), containsString("cannot reach"));
    }


    @Test
    void anExportIsWrittenVerifiedAndATamperedCopyRefused(@TempDir Path dir) throws Exception {
        Api.trials(campaign).stream().filter(row -> List.of("QUEUED", "RUNNING").contains(row.get("state")))
                .forEach(row -> Api.await(((Number) row.get("id")).longValue()));
        Path export = dir.resolve("campaign.zip");
        Run exported = empiric("export", Long.toString(campaign), "-o", export.toString());
        assertEquals(0, exported.exit(), exported.err());
        assertThat(exported.out(), containsString("exported to " + export));

        Run verified = empiric("verify", export.toString());
        assertEquals(0, verified.exit(), verified.out() + verified.err());
        assertThat(verified.out(), containsString(": verified against key "));

        // The same zip with one trial's record changed: the chain no longer holds.
        Path tampered = dir.resolve("tampered.zip");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(export));
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(tampered))) {
            for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().endsWith("trials.jsonl")) {
                    bytes = new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                            .replaceFirst("\"label\":\"BASELINE\"", "\"label\":\"KEEP\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                out.write(bytes);
            }
        }
        Run refused = empiric("verify", tampered.toString());
        assertEquals(Empiric.NOT_VERIFIED, refused.exit(), refused.out());
        assertThat(refused.out(), containsString("does NOT verify"));
    }

    @Test
    void anotherHarnesssResultsAreImported(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.tsv");
        try (var in = getClass().getResourceAsStream("/imports/autoresearch-results.tsv")) {
            Files.copy(in, results);
        }
        Run imported = empiric("import", results.toString(), "--format", "autoresearch");
        assertEquals(0, imported.exit(), imported.err());
        assertThat(imported.out(), matchesPattern("(?s)campaign \\d+ imported from .*: \\d+ rows read, \\d+ imported.*"));
    }

    @Test
    void helpListsTheExitCodesAndCompletionIsGenerated() {
        Run help = empiric("--help");
        assertEquals(0, help.exit());
        assertThat(help.out(), containsString("Exit codes"));
        assertThat(help.out(), containsString("watch"));
        Run completion = empiric("generate-completion");
        assertEquals(0, completion.exit());
        assertThat(completion.out(), containsString("complete -F"));
    }
}
