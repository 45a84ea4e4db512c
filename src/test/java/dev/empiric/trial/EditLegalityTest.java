package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.EmpiricConfig;
import dev.empiric.support.Api;
import dev.empiric.support.Diffs;
import dev.empiric.support.FreshDataDir;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Hostile diffs are refused with a label and a reason, and the repository is left as it was. */
@QuarkusTest
@Tag("store")
@QuarkusTestResource(FreshDataDir.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EditLegalityTest {

    @Inject
    EmpiricConfig config;

    long campaign;

    @BeforeEach
    void createCampaign() { // not @BeforeAll: RestAssured learns the test port only per test
        if (campaign != 0) {
            return;
        }
        campaign = Api.createCampaign("digits", null);
    }

    static Stream<Arguments> hostileDiffs() {
        String newFile = "new file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1 @@\n+print('pwned')\n";
        return Stream.of(
                Arguments.of("the evaluator", "diff --git a/scorer/score.py b/scorer/score.py\n"
                        + newFile.formatted("scorer/score.py"), Label.ILLEGAL_EDIT, "outside the editable"),
                Arguments.of("a path outside the editable set", "diff --git a/helper.py b/helper.py\n"
                        + newFile.formatted("helper.py"), Label.ILLEGAL_EDIT, "outside the editable"),
                Arguments.of("the git directory", "diff --git a/.git/config b/.git/config\n"
                        + newFile.formatted(".git/config"), Label.ILLEGAL_EDIT, ".git may not be edited"),
                Arguments.of("a parent directory", "diff --git a/../escape.py b/../escape.py\n"
                        + newFile.formatted("../escape.py"), Label.ILLEGAL_EDIT, "'..'"),
                Arguments.of("an absolute path", "--- /dev/null\n+++ /etc/cron.d/x\n@@ -0,0 +1 @@\n+x\n",
                        Label.ILLEGAL_EDIT, ""),
                Arguments.of("a symlink", "diff --git a/train.py b/train.py\nold mode 100644\nnew mode 120000\n",
                        Label.ILLEGAL_EDIT, "symlinks"),
                Arguments.of("a gitlink", "diff --git a/train.py b/train.py\nold mode 100644\nnew mode 160000\n",
                        Label.ILLEGAL_EDIT, "gitlinks"),
                Arguments.of("a .gitattributes file", "diff --git a/.gitattributes b/.gitattributes\n"
                        + newFile.formatted(".gitattributes"), Label.ILLEGAL_EDIT, ".gitattributes"),
                Arguments.of("a binary patch", "diff --git a/train.py b/train.py\nindex 1111111..2222222 100644\n"
                        + "GIT binary patch\nliteral 1\nIcmZpc00031\n\nliteral 0\nHcmV?d00001\n\n",
                        Label.ILLEGAL_EDIT, "binary"),
                Arguments.of("a stale context", Diffs.digits("EPOCHS = 10", "EPOCHS = 12")
                        .replace(" LR_SCHEDULE = \"constant\"", " LR_SCHEDULE = \"linear\""),
                        Label.INVALID_PATCH, "does not apply"));
    }

    @ParameterizedTest(name = "a diff touching {0}")
    @MethodSource("hostileDiffs")
    void isRefusedAndTheRepositoryIsUnchanged(String what, String diff, Label expected, String reason)
            throws IOException {
        Map<String, String> before = refs();
        JsonPath trial = Api.submit(campaign, "touch " + what, diff);
        assertEquals(expected.name(), trial.getString("label"), trial.prettify());
        assertEquals("FINISHED", trial.getString("state"));
        assertNull(trial.get("commit"));
        assertTrue(trial.getString("notes").contains(reason), trial.getString("notes"));
        assertEquals(before, refs(), "the repository's refs must not change");
        assertEquals(diff, io.restassured.RestAssured.get("/api/trials/" + trial.getLong("id") + "/diff").asString(),
                "the refused diff stays retrievable as submitted");
    }

    private Map<String, String> refs() throws IOException {
        try (Repository git = new FileRepository(config.dataDir().resolve("repos/campaign-" + campaign + ".git").toFile())) {
            Map<String, String> refs = new TreeMap<>();
            for (Ref ref : git.getRefDatabase().getRefs()) {
                refs.put(ref.getName(), ref.getObjectId() == null ? "" : ref.getObjectId().name());
            }
            return refs;
        }
    }
}
