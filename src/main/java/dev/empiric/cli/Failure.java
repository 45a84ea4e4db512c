package dev.empiric.cli;

/** Why a command could not do its job, in one line, with the exit code that says which kind of failure it is. */
final class Failure extends RuntimeException {

    private final int exitCode;

    Failure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
