package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TrialWordsTest {

    @Test
    void aHypothesisIsIndexedByItsWordsAndTheirParts() {
        assertEquals(List.of("weight_decay", "weight", "decay", "0.0", "0", "1e-3", "1e", "3", "raise", "it"),
                TrialWords.indexed("WEIGHT_DECAY 0.0 → 1e-3: raise it; RAISE it!"));
    }

    @Test
    void searchWordsAreTheWholeWordsOfTheText() {
        assertEquals(List.of("100", "of", "the"), TrialWords.words("100% of the"));
        assertEquals(List.of("validation_"), TrialWords.words("validation_"));
        assertEquals(List.of("script", "alert", "1"), TrialWords.words("<script>alert(1)</script>"));
        assertTrue(TrialWords.words("%%% !!").isEmpty());
    }

    @Test
    void longWordsAndLongHypothesesAreCut() {
        String longWord = "a".repeat(100);
        assertEquals(List.of("a".repeat(TrialWords.MAX_WORD)), TrialWords.words(longWord));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            many.append("w").append(i).append(' ');
        }
        assertEquals(TrialWords.MAX_WORDS_PER_TRIAL, TrialWords.indexed(many.toString()).size());
    }
}
