package dev.empiric.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A server that takes submissions and evaluates nothing ({@code empiric.evaluator.concurrency=0}),
 * as an API-only server of a scale-out does: trials stay QUEUED, so tests of claims, load and bad
 * input see the store and the API alone, without a dispatcher racing them. Its queue limit is small
 * so that a load test reaches it.
 */
public class NoEvaluation implements QuarkusTestProfile {

    /** What {@code empiric.trial.max-queued} is under this profile. */
    public static final int MAX_QUEUED = 150;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("empiric.evaluator.concurrency", "0", "empiric.trial.max-queued", Integer.toString(MAX_QUEUED));
    }
}
