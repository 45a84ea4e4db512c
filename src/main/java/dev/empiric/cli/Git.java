package dev.empiric.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few git commands a checkout needs, run without a shell. */
final class Git {

    private Git() {}

    /** Runs git in {@code directory}; its standard output, or a {@link Failure} with its error output. */
    static String run(Path directory, String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
        command.addAll(List.of(arguments));
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(false).start();
            git.getOutputStream().close();
            byte[] out = git.getInputStream().readAllBytes();
            String err = new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (git.waitFor() != 0) {
                throw new Failure(Empiric.USAGE, "git " + String.join(" ", arguments) + " failed in " + directory
                        + (err.isEmpty() ? "" : ": " + err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Failure(Empiric.USAGE, "cannot run git (is it installed?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Empiric.USAGE, "interrupted while running git");
        }
    }

    /** A value of the checkout's git configuration, if set. */
    static Optional<String> config(Path directory, String key) {
        try {
            return Optional.of(run(directory, "config", "--get", key).strip()).filter(value -> !value.isEmpty());
        } catch (Failure notSet) {
            return Optional.empty();
        }
    }
}
