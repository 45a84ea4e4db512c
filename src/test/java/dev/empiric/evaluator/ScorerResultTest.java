package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The result file counts only when it is this run's, and only finite, sanely named numbers count. */
@Tag("unit")
class ScorerResultTest {

    private static ScorerResult parse(String json) {
        return ScorerResult.parse(json.getBytes(StandardCharsets.UTF_8), "n0nce");
    }

    @Test
    void aStampedResultGivesItsNumericMetrics() {
        ScorerResult result = parse("""
                {"nonce": "n0nce", "metrics": {"accuracy": 0.9, "loss": "low", "inf": 1e999, "bad name!": 1,
                 "val_bpb": 3.1}}""");
        assertEquals(Optional.empty(), result.problem());
        assertEquals(Map.of("accuracy", 0.9, "val_bpb", 3.1), result.metrics());
    }

    @Test
    void aForeignOrMalformedResultIsAProblem() {
        assertTrue(parse("{\"nonce\": \"other\", \"metrics\": {\"accuracy\": 1.0}}").problem().orElseThrow()
                .contains("not stamped with this run's nonce"));
        assertTrue(parse("not json").problem().orElseThrow().contains("not JSON"));
        assertTrue(parse("[1, 2]").problem().isPresent());
        assertEquals("shape mismatch", parse("{\"nonce\": \"n0nce\", \"error\": \"shape mismatch\"}").problem()
                .orElseThrow());
    }
}
