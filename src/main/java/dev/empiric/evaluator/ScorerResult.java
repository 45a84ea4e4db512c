package dev.empiric.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The scorer's result file, read as untrusted input even though only the scorer can write it: it
 * must be JSON, stamped with this run's nonce (so a file planted earlier, or by anything that is not
 * this scoring run, never counts), and only finite numbers with sane names become metrics.
 *
 * @param metrics the reported metrics, or empty when the result says why there is no score
 * @param problem why the result is unusable, in a sentence for the trial's notes
 */
record ScorerResult(Map<String, Double> metrics, Optional<String> problem) {

    static final int MAX_BYTES = 64 * 1024;
    private static final String METRIC_NAME = "[A-Za-z0-9_.-]{1,64}";

    static ScorerResult parse(byte[] bytes, String nonce) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            return problem("the scorer's result is not JSON");
        }
        if (root == null || !root.isObject() || !nonce.equals(root.path("nonce").asText())) {
            return problem("the result file is not stamped with this run's nonce");
        }
        if (root.hasNonNull("error")) {
            String error = root.get("error").asText();
            return problem(error.length() > 500 ? error.substring(0, 500) + "..." : error);
        }
        Map<String, Double> metrics = new TreeMap<>();
        root.path("metrics").properties().forEach(field -> {
            if (field.getValue().isNumber() && Double.isFinite(field.getValue().asDouble())
                    && field.getKey().matches(METRIC_NAME)) {
                metrics.put(field.getKey(), field.getValue().asDouble());
            }
        });
        return new ScorerResult(metrics, Optional.empty());
    }

    private static ScorerResult problem(String why) {
        return new ScorerResult(Map.of(), Optional.of(why));
    }
}
