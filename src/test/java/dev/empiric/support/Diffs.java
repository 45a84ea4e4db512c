package dev.empiric.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/** Unified diffs for tests, made the way an agent would: edit a recipe file, diff it. */
public final class Diffs {

    private Diffs() {}

    public static String recipeFile(String environment, String path) {
        try {
            return Files.readString(Path.of("environments", environment, "recipe", path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The diff that turns {@code before} into {@code after} in file {@code path}. */
    public static String between(String path, String before, String after) {
        RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
        RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, a, b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.format(edits, a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n"
                + out.toString(StandardCharsets.UTF_8);
    }

    /** Where the environments that only tests use live (the trivial {@code shell} environment). */
    public static final Path TEST_ENVIRONMENTS = Path.of("src", "test", "resources", "environments").toAbsolutePath();

    /** A diff of the shell environment's run.sh: the recipe waits {@code sleep} seconds and scores {@code value}. */
    public static String shell(int value, String sleep) {
        try {
            String before = Files.readString(TEST_ENVIRONMENTS.resolve("shell/recipe/run.sh"));
            return between("run.sh", before, before.replace("VALUE=1\n", "VALUE=" + value + "\n")
                    .replace("SLEEP=0\n", "SLEEP=" + sleep + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A diff of digits' train.py with one literal replaced (must occur exactly once). */
    public static String digits(String find, String replace) {
        String before = recipeFile("digits", "train.py");
        if (before.indexOf(find) < 0 || before.indexOf(find) != before.lastIndexOf(find)) {
            throw new IllegalArgumentException("'" + find + "' must occur exactly once in digits/train.py");
        }
        return between("train.py", before, before.replace(find, replace));
    }
}
