package dev.empiric.agent;

import dev.empiric.campaign.LlmConfig;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;

/**
 * Builds the LangChain4j client of an {@link LlmConfig}. Retries are the specialist's business
 * (a malformed answer is retried with the error fed back; a failed call is a failed proposal), so the
 * client's own retries are off. The API key is read from the named environment variable here and
 * kept only inside the client.
 */
final class ChatModels {

    /** Sent when no key is configured: local OpenAI-compatible servers (Ollama, vLLM) ignore it. */
    private static final String NO_KEY = "none";

    private ChatModels() {}

    static ChatModel create(LlmConfig config) {
        String key = NO_KEY;
        if (config.apiKeyEnv() != null) {
            key = System.getenv(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new SpecialistUnavailable("LLM specialist '" + config.name() + "': the environment variable "
                        + config.apiKeyEnv() + " (its apiKeyEnv) is not set on the server");
            }
        }
        Duration timeout = Duration.ofSeconds(config.timeoutSecondsOrDefault());
        return switch (config.providerOrDefault()) {
            case OPENAI -> OpenAiChatModel.builder().baseUrl(config.baseUrl()).apiKey(key).modelName(config.model())
                    .maxTokens(config.maxTokensOrDefault()).timeout(timeout).maxRetries(0).build();
            case ANTHROPIC -> {
                AnthropicChatModel.AnthropicChatModelBuilder builder = AnthropicChatModel.builder().apiKey(key)
                        .modelName(config.model()).maxTokens(config.maxTokensOrDefault()).timeout(timeout).maxRetries(0);
                yield (config.baseUrl() == null ? builder : builder.baseUrl(config.baseUrl())).build();
            }
        };
    }
}
