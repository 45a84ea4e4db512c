package dev.empiric.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.support.Api;
import dev.empiric.support.Browser;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's headless Chromium) against a real campaign on digits, run
 * by the built-in specialists on real Docker. Every test leaves a screenshot of its page under
 * target/screenshots. The campaign is made once, by the first test that needs it.
 */
@QuarkusTest
@QuarkusTestResource(FreshDataDir.class)
class WebUiTest {

    /** Agent-written text that would run if any page parsed it as HTML. */
    private static final String HOSTILE = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
            + " validation split 0.15: a larger held-out slice for early stopping";
    private static final int RUNNER_TRIALS = 6;
    private static final int PAGE_HEIGHT = 3200;
    private static final Set<String> KNOB_SPECIALISTS = Set.of("opt", "arch", "sched", "reg");

    @TestHTTPResource("/")
    URL base;

    private static long campaign;
    private static long hostileTrial;
    private static Browser browser;

    @BeforeEach
    void campaignAndBrowser() {
        if (campaign == 0) {
            campaign = Api.createCampaign("digits", null);
            Api.awaitNumber(campaign, 0);
            Api.startRunner(campaign, Map.of("maxTrials", RUNNER_TRIALS, "concurrency", 1));
            Api.awaitRunner(campaign, state -> !"RUNNING".equals(state.getString("state"))
                    && state.getInt("finished") == RUNNER_TRIALS);
            hostileTrial = Api.await(given().contentType(ContentType.JSON)
                    .body(Map.of("hypothesis", HOSTILE, "parent", 0, "specialist", "mallory",
                            "diff", Diffs.digits("VALIDATION_FRACTION = 0.1", "VALIDATION_FRACTION = 0.15")))
                    .post("/api/campaigns/{id}/trials", campaign).then().statusCode(202).extract().jsonPath().getLong("id"))
                    .getLong("id");
        }
        if (browser == null) {
            browser = new Browser(base.toString(), 1440, 1000);
            // Signed in as the admin, as a researcher pastes a token into "sign in": writes need one.
            browser.open("#/");
            browser.script("sessionStorage.setItem('empiric.token', arguments[0])", Api.adminToken());
            browser.driver().navigate().refresh();
            browser.awaitText("#token-button", "signed in");
        }
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theChartAndTheTreeShowEveryTrialWithItsLabel() {
        List<Map<String, Object>> trials = Api.trials(campaign);
        Set<String> labels = trials.stream().map(t -> (String) t.get("label")).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));

        browser.open("#/campaigns/" + campaign);
        WebElement chart = browser.await("#score-chart[data-points] canvas");
        assertNotNull(chart);
        WebElement box = browser.one("#score-chart");
        assertEquals(String.valueOf(trials.size()), box.getDomAttribute("data-points"));
        assertEquals(String.join(",", labels), box.getDomAttribute("data-labels"));
        assertFalse(browser.all("table.outcomes tbody tr").isEmpty(), "no outcomes per specialist");
        browser.awaitText("#live-badge", "live");
        assertEquals("live", browser.one("#live-badge").getDomAttribute("data-status"));
        browser.screenshot("dashboard", PAGE_HEIGHT);
        browser.one("#knowledge").findElement(By.xpath("..")).findElement(By.tagName("summary")).click();
        WebElement knowledge = browser.awaitText("#knowledge", "Research tree");
        assertTrue(knowledge.getText().contains("What is known about digits"), knowledge.getText());

        browser.open("#/campaigns/" + campaign + "/tree");
        browser.await(".tree .node");
        List<WebElement> nodes = browser.all(".tree .node");
        assertEquals(trials.size(), nodes.size());
        Map<String, String> drawn = new HashMap<>();
        nodes.forEach(node -> drawn.put(node.getDomAttribute("data-number"), node.getDomAttribute("data-label")));
        for (Map<String, Object> trial : trials) {
            assertEquals(trial.get("label"), drawn.get(String.valueOf(trial.get("number"))), "trial " + trial.get("number"));
        }
        JsonPath tree = given().get("/api/campaigns/{id}/tree", campaign).then().statusCode(200).extract().jsonPath();
        List<Integer> chain = tree.getList("chain", Integer.class);
        assertEquals(0, chain.getFirst());
        assertEquals(tree.getInt("bestNumber"), chain.getLast());
        assertEquals(chain.size(), browser.all(".tree .node.on-chain").size());
        browser.screenshot("tree", PAGE_HEIGHT);
    }

    @Test
    void aTrialPageShowsItsRenderedDiffAndItsLog() {
        Map<String, Object> trial = Api.trials(campaign).stream()
                .filter(t -> KNOB_SPECIALISTS.contains((String) t.get("specialist")) && t.get("commit") != null)
                .findFirst().orElseThrow();
        browser.open("#/campaigns/" + campaign + "/trials/" + trial.get("number"));
        browser.await("#trial-diff table.diff");
        assertFalse(browser.all("#trial-diff td.code.add, #trial-diff tr.add").isEmpty(), "no added line drawn");
        assertFalse(browser.all("#trial-diff td.code.del, #trial-diff tr.del").isEmpty(), "no removed line drawn");
        String knob = ((String) trial.get("hypothesis")).split(" ")[0];
        assertTrue(browser.one("#trial-diff").getText().contains(knob), "the diff does not show " + knob);
        WebElement log = browser.awaitText("#trial-log", "===");
        assertTrue(log.getText().contains("recipe"), "log: " + log.getText());

        // What the proposer was shown: the stored view, by its hash, exactly as the specialist read it.
        String viewHash = (String) trial.get("viewHash");
        assertNotNull(viewHash, "a runner's trial records what its specialist was shown");
        String view = given().get("/api/views/{hash}", viewHash).then().statusCode(200)
                .contentType(containsString("text/markdown")).extract().asString();
        browser.one("#proposer-view").findElement(By.xpath("..")).findElement(By.tagName("summary")).click();
        WebElement shown = browser.awaitText("#proposer-view", "Lineage view");
        assertEquals(view.strip(), shown.getText().strip());
        given().get("/api/views/{hash}", "0".repeat(64)).then().statusCode(404).contentType("application/problem+json");
        browser.screenshot("trial", PAGE_HEIGHT);
    }

    /**
     * The live test: with the dashboard of a running digits campaign open, trials finish and
     * the page follows them through the event stream, without a reload; so does an open trial page.
     */
    @Test
    void theDashboardOfARunningCampaignFollowsItsTrialsWithoutAReload() {
        long live = Api.measuredCampaign("digits", null);
        browser.open("#/campaigns/" + live);
        WebElement chart = browser.await("#score-chart[data-points] canvas");
        browser.awaitText("#live-badge", "live");
        assertEquals("1", browser.one("#score-chart").getDomAttribute("data-finished"));
        browser.script("window.__sameDocument = 'yes'"); // gone if the page reloads
        int trials = 3;
        Api.startRunner(live, Map.of("maxTrials", trials, "concurrency", 1));
        new WebDriverWait(browser.driver(), Duration.ofMinutes(3)).until(
                driver -> String.valueOf(trials + 1).equals(browser.one("#score-chart").getDomAttribute("data-finished")));
        assertEquals("yes", browser.script("return window.__sameDocument"), "the dashboard was reloaded");
        assertEquals(String.valueOf(trials + 1), browser.one("#score-chart").getDomAttribute("data-points"));
        assertTrue(Integer.parseInt(browser.one("#score-chart").getDomAttribute("data-updates")) > 0);
        assertTrue(chart.isDisplayed(), "the chart was redrawn in place, not replaced");
        browser.awaitText(".runner", "EXHAUSTED");
        List<WebElement> specialists = browser.all("table.outcomes tbody tr");
        assertFalse(specialists.isEmpty(), "no outcomes per specialist after the run");
        browser.screenshot("dashboard-live", PAGE_HEIGHT);

        // A trial page opened while its trial waits follows it to its end, log included.
        JsonPath submitted = given().contentType(ContentType.JSON).body(Map.of("hypothesis", "fewer epochs, watched live",
                "parent", 0, "specialist", "watcher", "diff", Diffs.digits("EPOCHS = 10", "EPOCHS = 6")))
                .post("/api/campaigns/{id}/trials", live).then().statusCode(202).extract().jsonPath();
        browser.open("#/campaigns/" + live + "/trials/" + submitted.getInt("number"));
        browser.await("#hypothesis");
        browser.script("window.__sameDocument = 'yes'");
        JsonPath finished = Api.await(submitted.getLong("id"));
        assertEquals("FINISHED", finished.getString("state"));
        browser.awaitText(".trial-title .chip", finished.getString("label"));
        browser.awaitText("#trial-log", "scorer seed");
        assertEquals("yes", browser.script("return window.__sameDocument"), "the trial page was reloaded");
    }

    @Test
    void compareShowsTheDiffBetweenTwoTrialsThatAreNotParentAndChild() {
        List<Map<String, Object>> committed = Api.trials(campaign).stream()
                .filter(t -> t.get("commit") != null && (Integer) t.get("number") > 0).toList();
        Map<String, Object>[] pair = nonAdjacent(committed);
        browser.open("#/campaigns/" + campaign + "/compare?a=" + pair[0].get("number") + "&b=" + pair[1].get("number"));
        browser.await("#compare-diff table.diff");
        assertFalse(browser.all("#compare-diff td.code.add").isEmpty() && browser.all("#compare-diff td.code.del").isEmpty(),
                "the diff between the two trials shows no change");
        assertTrue(browser.one("table.compare").getText().contains("specialist") || browser.one("table.compare").getText().contains("score"));
        String api = given().get("/api/trials/{a}/compare/{b}/diff", pair[0].get("id"), pair[1].get("id")).then()
                .statusCode(200).extract().asString();
        assertTrue(api.startsWith("diff --git a/train.py b/train.py"), api);
        browser.screenshot("compare", PAGE_HEIGHT);
    }

    @Test
    void aScriptInAHypothesisIsShownAsTextAndNeverRuns() {
        JsonPath trial = Api.trial(hostileTrial);
        String route = "#/campaigns/" + campaign;
        browser.open(route + "/trials/" + trial.getInt("number"));
        WebElement hypothesis = browser.awaitText("#hypothesis", "<script>");
        assertTrue(hypothesis.getText().startsWith("<script>window.__pwned = 1</script><img"), hypothesis.getText());
        browser.await("#trial-log");
        browser.screenshot("trial-hostile", PAGE_HEIGHT);
        Map<String, String> pages = Map.of(route + "/tree", ".tree .node", route + "/trials", "table.trials",
                route + "/compare?a=0&b=" + trial.getInt("number"), "table.compare", route, "#score-chart canvas");
        for (Map.Entry<String, String> page : pages.entrySet()) {
            browser.open(page.getKey());
            browser.await(page.getValue());
            if (!page.getKey().equals(route)) {
                browser.awaitText("#app", "<script>window.__pwned");
            }
            assertNull(browser.script("return window.__pwned"), "agent text ran on " + page.getKey());
            assertEquals(0L, browser.script("return document.querySelectorAll('#app script, #app img').length"), page.getKey());
        }
    }

    @Test
    void aBadDiffSubmittedFromTheUiShowsTheProblemInline() {
        browser.open("#/campaigns/" + campaign + "/submit");
        browser.await("textarea[name=hypothesis]").sendKeys("try a bigger hidden layer");
        browser.one("textarea[name=diff]").sendKeys("make HIDDEN_UNITS 64 please");
        browser.one("form.submit-form button[type=submit]").click();
        WebElement problem = browser.awaitText("#submit-result .problem", "no file changes");
        assertTrue(problem.getText().contains("422"), problem.getText());

        browser.one("textarea[name=diff]").clear();
        browser.one("textarea[name=diff]").sendKeys("""
                diff --git a/prepare.py b/prepare.py
                --- a/prepare.py
                +++ b/prepare.py
                @@ -1 +1 @@
                -x = 1
                +x = 2
                """);
        browser.one("form.submit-form button[type=submit]").click();
        problem = browser.awaitText("#submit-result .problem", "ILLEGAL_EDIT");
        assertTrue(problem.getText().contains("prepare.py"), problem.getText());
        browser.screenshot("submit", PAGE_HEIGHT);
    }

    @Test
    void theCampaignsTrialsAndEnvironmentsPagesRender() throws Exception {
        browser.open("#/");
        browser.awaitText("table.campaigns", "digits");
        browser.screenshot("campaigns", PAGE_HEIGHT);

        browser.open("#/campaigns/" + campaign + "/trials?q=validation");
        browser.await("table.trials");
        List<WebElement> rows = browser.all("table.trials tbody tr");
        assertEquals(1, rows.size(), "text search should find the one validation-split trial");
        assertEquals(String.valueOf(Api.trial(hostileTrial).getInt("number")), rows.getFirst().getDomAttribute("data-number"));
        browser.open("#/campaigns/" + campaign + "/trials");
        browser.await("table.trials tbody tr");
        assertEquals(RUNNER_TRIALS + 2, browser.all("table.trials tbody tr").size());
        browser.screenshot("trials", PAGE_HEIGHT);

        browser.open("#/environments/golf");
        browser.await(".markdown h1, .markdown h2, .markdown p");
        assertTrue(browser.all(".markdown script").isEmpty());
        browser.screenshot("environments", PAGE_HEIGHT);
        assertTrue(Files.size(Path.of("target/screenshots/environments.png")) > 10_000);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] nonAdjacent(List<Map<String, Object>> trials) {
        for (Map<String, Object> a : trials) {
            for (Map<String, Object> b : trials) {
                if (a != b && !a.get("number").equals(b.get("parent")) && !b.get("number").equals(a.get("parent"))
                        && !a.get("commit").equals(b.get("commit"))) {
                    return new Map[] {a, b};
                }
            }
        }
        throw new AssertionError("no two trials that are not parent and child: " + trials);
    }
}
