package dev.empiric.agent;

import dev.empiric.campaign.LlmConfig;
import dev.empiric.trial.DiffPolicy;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A specialist that asks an LLM for its edit. The system message is the surface's brief plus the
 * answer format; the user message is the lineage view this specialist would get over REST, followed
 * by the current best's editable files. An answer that cannot be used ({@link LlmAnswer}) is retried
 * with the error fed back, up to {@code maxAttempts} calls; after that the proposal fails and is
 * counted on the runner, never as a trial. Every call's token usage goes to the {@link TokenBudget}
 * of the context; no call is made once the campaign's budget is spent.
 */
public final class LlmSpecialist implements Specialist {

    static final String ANSWER_FORMAT = """
            ## Answer format
            First line: `Hypothesis: <one sentence: what you change and why it should improve the metric>`.
            Then the edit, either as SEARCH/REPLACE blocks (preferred), one per change:

            path/of/file.py
            <<<<<<< SEARCH
            <lines copied exactly from the current file>
            =======
            <the lines that replace them>
            >>>>>>> REPLACE

            or as one unified diff (as `git diff` writes it) in a ```diff fence. Nothing else is read.
            """;

    private final LlmConfig config;
    private final ChatModel model;

    public LlmSpecialist(LlmConfig config, ChatModel model) {
        this.config = config;
        this.model = model;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Optional<Proposal> propose(ProposalContext context) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(ProposerBrief.of(name(), context.spec(), config.surface(),
                context.pinnedKnowledge()) + "\n" + ANSWER_FORMAT));
        messages.add(UserMessage.from(context.lineageMarkdown() + "\n" + files(context)));
        String problem = null;
        for (int attempt = 1; attempt <= config.maxAttemptsOrDefault(); attempt++) {
            if (context.tokens().spent()) {
                throw new ProposalFailed("the campaign's token budget is spent");
            }
            String answer = call(context.tokens(), messages);
            try {
                LlmAnswer parsed = LlmAnswer.parse(answer, context);
                return Optional.of(new Proposal(parsed.hypothesis(), parsed.diff(), context.history().bestNumber(), name()));
            } catch (MalformedAnswer malformed) {
                problem = malformed.getMessage();
                messages.add(AiMessage.from(answer == null ? "" : answer));
                messages.add(UserMessage.from("Your answer could not be used: " + problem
                        + ". Answer again, exactly in the answer format."));
            }
        }
        throw new ProposalFailed(config.maxAttemptsOrDefault() + " malformed answers; the last: " + problem);
    }

    private String call(TokenBudget tokens, List<ChatMessage> messages) {
        ChatResponse response;
        try {
            response = model.chat(messages);
        } catch (RuntimeException e) {
            throw new ProposalFailed("the LLM call failed: " + e.getMessage());
        }
        TokenUsage usage = response.tokenUsage();
        int prompt = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        int completion = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        tokens.record(name(), prompt, completion);
        return response.aiMessage() == null ? null : response.aiMessage().text();
    }

    /** The current best's editable files, each in a fence headed by its path. */
    private static String files(ProposalContext context) {
        DiffPolicy policy = DiffPolicy.of(context.spec());
        StringBuilder out = new StringBuilder("# The current best's editable files\n");
        for (Map.Entry<String, byte[]> file : context.bestTree().files().entrySet()) {
            if (policy.allows(file.getKey())) {
                out.append("\n").append(file.getKey()).append("\n```\n").append(context.bestTree().text(file.getKey()));
                out.append(out.charAt(out.length() - 1) == '\n' ? "" : "\n").append("```\n");
            }
        }
        return out.toString();
    }
}
