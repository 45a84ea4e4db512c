package dev.empiric.trial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * The unified diff between two recipes, each given as its files by path. Any two trials' commits can
 * be compared this way, not only a parent and its child, and even across campaigns: a researcher
 * comparing two branches of the lineage wants to see what separates their code, whatever the path
 * between them. Recipes are a few small files, so both trees are read whole.
 */
public final class RecipeDiff {

    private static final int CONTEXT_LINES = 3;

    private RecipeDiff() {}

    /** Every changed file as a {@code diff --git} section, in path order; empty when the recipes are equal. */
    public static String between(Map<String, byte[]> from, Map<String, byte[]> to) {
        StringBuilder diff = new StringBuilder();
        TreeSet<String> paths = new TreeSet<>(from.keySet());
        paths.addAll(to.keySet());
        for (String path : paths) {
            byte[] before = from.get(path);
            byte[] after = to.get(path);
            if (before != null && after != null && Arrays.equals(before, after)) {
                continue;
            }
            diff.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
            if (before == null) {
                diff.append("new file mode 100644\n");
            } else if (after == null) {
                diff.append("deleted file mode 100644\n");
            }
            byte[] a = before == null ? new byte[0] : before;
            byte[] b = after == null ? new byte[0] : after;
            if (RawText.isBinary(a) || RawText.isBinary(b)) {
                diff.append("Binary files ").append(before == null ? "/dev/null" : "a/" + path).append(" and ")
                        .append(after == null ? "/dev/null" : "b/" + path).append(" differ\n");
                continue;
            }
            diff.append("--- ").append(before == null ? "/dev/null" : "a/" + path).append('\n');
            diff.append("+++ ").append(after == null ? "/dev/null" : "b/" + path).append('\n');
            diff.append(hunks(new RawText(a), new RawText(b)));
        }
        return diff.toString();
    }

    private static String hunks(RawText a, RawText b) {
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, a, b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setContext(CONTEXT_LINES);
            formatter.format(edits, a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
