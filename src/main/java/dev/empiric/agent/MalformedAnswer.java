package dev.empiric.agent;

/**
 * An LLM answer that cannot be turned into an edit. Its message is written for the model: it is fed
 * back verbatim in the retry, so it says what was wrong and what to send instead.
 */
public final class MalformedAnswer extends Exception {

    MalformedAnswer(String message) {
        super(message);
    }
}
