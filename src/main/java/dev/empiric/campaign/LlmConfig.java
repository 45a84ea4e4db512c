package dev.empiric.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One LLM specialist of a campaign (campaign settings, {@code llm: [...]}). The API key is never part
 * of the configuration: {@code apiKeyEnv} names the server's environment variable that holds it, so
 * settings can be stored, exported and audited without leaking it. {@code surface} names one of the
 * environment's surfaces whose knobs the specialist focuses on (null: the whole editable recipe).
 */
public record LlmConfig(String name, String provider, String baseUrl, String model, String apiKeyEnv,
        String surface, Integer maxTokens, Integer timeoutSeconds, Integer maxAttempts) {

    /** Which LangChain4j client speaks to the endpoint. Ollama serves the OpenAI API under /v1. */
    public enum Provider { OPENAI, ANTHROPIC }

    public Provider providerOrDefault() {
        return provider == null ? Provider.OPENAI : Provider.valueOf(provider.toUpperCase(Locale.ROOT));
    }

    public int maxTokensOrDefault() {
        return maxTokens == null ? 4096 : maxTokens;
    }

    public int timeoutSecondsOrDefault() {
        return timeoutSeconds == null ? 300 : timeoutSeconds;
    }

    /** Calls per proposal: the first answer plus retries with the parse error fed back. */
    public int maxAttemptsOrDefault() {
        return maxAttempts == null ? 3 : maxAttempts;
    }

    /** What is wrong with this configuration, prefixed with where it sits in the settings. */
    public List<String> problems(String where) {
        List<String> problems = new ArrayList<>(SpecialistNames.problems(name, where));
        Provider kind = null;
        try {
            kind = providerOrDefault();
        } catch (IllegalArgumentException e) {
            problems.add(where + ".provider must be one of " + List.of(Provider.values()));
        }
        if (model == null || model.isBlank()) {
            problems.add(where + ".model is required");
        }
        if (kind == Provider.OPENAI) {
            if (baseUrl == null || !baseUrl.matches("https?://.+")) {
                problems.add(where + ".baseUrl (http or https) is required for OpenAI-compatible endpoints");
            }
        }
        if (maxTokens != null && maxTokens < 1) {
            problems.add(where + ".maxTokens must be positive");
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            problems.add(where + ".timeoutSeconds must be positive");
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 10)) {
            problems.add(where + ".maxAttempts must be between 1 and 10");
        }
        return problems;
    }
}
