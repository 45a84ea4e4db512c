package dev.empiric.environment;

import java.nio.file.Path;

/**
 * A loaded environment: its folder on disk, its parsed spec, and a hash of its content. The hash
 * names the images built from it and is recorded on every campaign, so that a result can always be
 * traced to the exact evaluator that produced it.
 */
public record Environment(String name, Path dir, EnvironmentSpec spec, String contentHash) {

    /** The starting recipe: what becomes trial 0 of every campaign on this environment. */
    public Path recipeDir() {
        return dir.resolve("recipe");
    }

    public String recipeImage() {
        return "empiric-env/" + name + ":recipe-" + contentHash.substring(0, 12);
    }

    public String scorerImage() {
        return "empiric-env/" + name + ":scorer-" + contentHash.substring(0, 12);
    }
}
