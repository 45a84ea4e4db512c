package dev.empiric.evaluator;

/**
 * The Docker engine ended an attempt's containers itself (it was restarted or stopped): the
 * platform's failure, retried like any other, and never the recipe's.
 */
class EngineDisrupted extends RuntimeException {

    EngineDisrupted(String message) {
        super(message);
    }
}
