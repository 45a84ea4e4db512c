package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every shape of hostile diff is refused before anything is applied, with every violation named. */
@Tag("unit")
class DiffPolicyTest {

    private static final DiffPolicy POLICY = new DiffPolicy(List.of("train.py", "lib/*.py"), false);

    private static String modify(String path) {
        return "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path
                + "\n@@ -1 +1 @@\n-a\n+b\n";
    }

    private static EditRejected refused(String diff) {
        return assertThrows(EditRejected.class, () -> POLICY.check(GitTrialStore.parse(diff)));
    }

    @Test
    void editsOfEditableFilesPass() {
        assertDoesNotThrow(() -> POLICY.check(GitTrialStore.parse(modify("train.py") + modify("lib/model.py"))));
    }

    @Test
    void pathsOutsideTheEditableSetAndTrickyPathsAreIllegal() {
        for (String path : List.of("score.py", "lib/deep/x.py", "../train.py", "lib/../train.py", "./train.py",
                ".git/config", "lib/.gitattributes", ".gitmodules")) {
            EditRejected rejected = refused(modify(path));
            assertEquals(Label.ILLEGAL_EDIT, rejected.label(), path);
        }
        assertTrue(refused(modify("score.py")).getMessage().contains("outside the editable paths [train.py, lib/*.py]"));
    }

    @Test
    void symlinksGitlinksAndBinaryPatchesAreIllegal() {
        String symlink = "diff --git a/train.py b/train.py\nnew file mode 120000\n--- /dev/null\n+++ b/train.py\n"
                + "@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n";
        assertTrue(refused(symlink).getMessage().contains("symlinks are not allowed"));
        String gitlink = "diff --git a/lib/sub.py b/lib/sub.py\nnew file mode 160000\nindex 0000000..1234567\n"
                + "--- /dev/null\n+++ b/lib/sub.py\n@@ -0,0 +1 @@\n+Subproject commit 1234567890123456789012345678901234567890\n";
        assertTrue(refused(gitlink).getMessage().contains("gitlinks"));
        String binary = "diff --git a/train.py b/train.py\nindex 1111111..2222222 100644\nGIT binary patch\nliteral 3\n"
                + "KcmZQz\n\n";
        assertTrue(refused(binary).getMessage().contains("binary patches are not allowed"));
    }

    @Test
    void everyViolationIsListedAtOnce() {
        String message = refused(modify("a.py") + modify("b.py")).getMessage();
        assertTrue(message.contains("'a.py'") && message.contains("'b.py'"), message);
    }
}
