package dev.empiric.evaluator;

/**
 * The Docker engine stopped an attempt's containers (a restart, an upgrade, a crash of the engine):
 * an infrastructure failure, so the attempt is retried and never blamed on the recipe.
 */
public class EngineDisrupted extends RuntimeException {

    EngineDisrupted(String message) {
        super(message);
    }
}
