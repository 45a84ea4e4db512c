package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SearchReplaceTest {

    private static final RecipeTree TREE = new RecipeTree(Map.of(
            "train.py", "import numpy\nLEARNING_RATE = 0.01\nMOMENTUM = 0.0\n\ndef f():\n    return 1\n".getBytes(StandardCharsets.UTF_8),
            "README.md", "notes\n".getBytes(StandardCharsets.UTF_8)));

    @Test
    void appliesBlocksInOrderAndTheDiffIsTheTreesOwn() throws MalformedAnswer {
        String answer = """
                Hypothesis: a larger step and momentum converge faster.

                ```python
                train.py
                <<<<<<< SEARCH
                LEARNING_RATE = 0.01
                =======
                LEARNING_RATE = 0.02
                >>>>>>> REPLACE
                ```
                `train.py`
                <<<<<<< SEARCH
                MOMENTUM = 0.0
                =======
                MOMENTUM = 0.9
                >>>>>>> REPLACE
                """;
        assertTrue(SearchReplace.present(answer));
        RecipeTree edited = SearchReplace.apply(answer, TREE);
        assertEquals("import numpy\nLEARNING_RATE = 0.02\nMOMENTUM = 0.9\n\ndef f():\n    return 1\n", edited.text("train.py"));
        assertEquals("notes\n", edited.text("README.md"));
        String diff = edited.diffFrom(TREE);
        assertTrue(diff.startsWith("diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n"), diff);
        assertTrue(diff.contains("-LEARNING_RATE = 0.01\n") && diff.contains("+MOMENTUM = 0.9\n"), diff);
    }

    @Test
    void aBlockMayDeleteLines() throws MalformedAnswer {
        RecipeTree edited = SearchReplace.apply("train.py\n<<<<<<< SEARCH\nMOMENTUM = 0.0\n=======\n>>>>>>> REPLACE\n", TREE);
        assertFalse(edited.text("train.py").contains("MOMENTUM"));
    }

    @Test
    void refusesWhatCannotBeAppliedWithAMessageForTheModel() {
        assertTrue(assertThrows(MalformedAnswer.class, () -> SearchReplace.apply(
                "train.py\n<<<<<<< SEARCH\nLEARNING_RATE = 0.5\n=======\nLEARNING_RATE = 0.1\n>>>>>>> REPLACE\n", TREE))
                .getMessage().contains("does not occur in train.py"));
        assertTrue(assertThrows(MalformedAnswer.class, () -> SearchReplace.apply(
                "model.py\n<<<<<<< SEARCH\nLEARNING_RATE = 0.01\n=======\nLEARNING_RATE = 0.1\n>>>>>>> REPLACE\n", TREE))
                .getMessage().contains("'model.py', which is not a file of the recipe"));
        assertTrue(assertThrows(MalformedAnswer.class, () -> SearchReplace.apply(
                "train.py\n<<<<<<< SEARCH\nLEARNING_RATE = 0.01\n=======\nLEARNING_RATE = 0.1\n", TREE))
                .getMessage().contains("not terminated"));
        RecipeTree twice = new RecipeTree(Map.of("train.py", "x = 1\nx = 1\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(assertThrows(MalformedAnswer.class, () -> SearchReplace.apply(
                "train.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n", twice))
                .getMessage().contains("more than once"));
    }
}
