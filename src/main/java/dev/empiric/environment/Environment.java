package dev.empiric.environment;

import java.nio.file.Path;

/**
 * A loaded environment: its folder on disk, its parsed spec, a hash of its content, and its
 * knowledge notes. The hash names the images built from it and is recorded on every campaign, so that
 * a result can always be traced to the exact evaluator that produced it. The notes ({@code knowledge/}
 * Markdown: known techniques, lessons, limits) are read once with the rest, so every brief of a
 * campaign pins the same text the hash covers.
 */
public record Environment(String name, Path dir, EnvironmentSpec spec, String contentHash, String knowledge) {

    /** The most knowledge an environment may pin into every brief: it is paid for in every prompt. */
    public static final int MAX_KNOWLEDGE_BYTES = 32 * 1024;

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
