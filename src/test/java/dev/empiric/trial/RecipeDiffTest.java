package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jgit.patch.Patch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RecipeDiffTest {

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void equalRecipesHaveAnEmptyDiff() {
        Map<String, byte[]> recipe = Map.of("train.py", text("A = 1\n"));
        assertEquals("", RecipeDiff.between(recipe, Map.of("train.py", text("A = 1\n"))));
    }

    @Test
    void changedAddedAndRemovedFilesEachGetASectionThatGitCanParse() {
        String diff = RecipeDiff.between(
                Map.of("train.py", text("A = 1\nB = 2\n"), "old.txt", text("gone\n")),
                Map.of("train.py", text("A = 1\nB = 3\n"), "new.txt", text("here\n")));
        assertTrue(diff.contains("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n A = 1\n-B = 2\n+B = 3\n"), diff);
        assertTrue(diff.contains("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+here\n"), diff);
        assertTrue(diff.contains("--- a/old.txt\n+++ /dev/null\n"), diff);
        assertTrue(diff.indexOf("new.txt") < diff.indexOf("old.txt") && diff.indexOf("old.txt") < diff.indexOf("train.py"),
                "sections in path order");
        Patch patch = GitTrialStore.parse(diff);
        assertEquals(3, patch.getFiles().size());
        assertTrue(patch.getErrors().isEmpty(), patch.getErrors().toString());
    }

    @Test
    void binaryFilesAreNamedNotPrinted() {
        String diff = RecipeDiff.between(Map.of("w.bin", new byte[] {0, 1, 2}), Map.of("w.bin", new byte[] {0, 1, 3}));
        assertTrue(diff.contains("Binary files a/w.bin and b/w.bin differ"), diff);
    }
}
