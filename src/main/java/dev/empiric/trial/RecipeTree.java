package dev.empiric.trial;

import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.environment.KnobLiterals;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole recipe (path to content) held in memory: a trial's commit, or a proposal before it is
 * submitted. Its {@link #hash()} identifies the content, so a proposal whose tree equals any earlier
 * trial's tree is recognised as a repeat before it costs evaluator time.
 */
public record RecipeTree(Map<String, byte[]> files) {

    public RecipeTree {
        files = new TreeMap<>(files);
    }

    public String text(String path) {
        byte[] content = files.get(path);
        if (content == null) {
            throw new IllegalArgumentException("the recipe has no file " + path);
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The same tree with each knob's line set to the given literal. */
    public RecipeTree withKnobs(Map<Knob, String> literals) {
        Map<String, byte[]> changed = new TreeMap<>(files);
        literals.forEach((knob, literal) -> {
            String current = new String(changed.get(knob.file()), StandardCharsets.UTF_8);
            changed.put(knob.file(), KnobLiterals.write(current, knob.name(), literal).getBytes(StandardCharsets.UTF_8));
        });
        return new RecipeTree(changed);
    }

    /** SHA-256 over every path and content in path order. */
    public String hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((path, content) -> {
                digest.update(path.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Long.toString(content.length).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(content);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A git-style unified diff from {@code parent} to this tree ({@link RecipeDiff}). */
    public String diffFrom(RecipeTree parent) {
        return RecipeDiff.between(parent.files(), files);
    }
}
