package dev.empiric.agent;

import dev.empiric.trial.RecipeTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Edits written as SEARCH/REPLACE blocks, the format LLMs follow more reliably than unified diffs
 * (no line numbers, no context counts to get wrong):
 *
 * <pre>
 * train.py
 * &lt;&lt;&lt;&lt;&lt;&lt;&lt; SEARCH
 * LEARNING_RATE = 0.01
 * =======
 * LEARNING_RATE = 0.02
 * &gt;&gt;&gt;&gt;&gt;&gt;&gt; REPLACE
 * </pre>
 *
 * The path is the last non-blank line before the block (backticks and code fences ignored). Each
 * SEARCH text must occur exactly once in the file as it stands after the earlier blocks; the result is
 * a whole {@link RecipeTree}, whose diff the platform writes itself.
 */
public final class SearchReplace {

    static final String SEARCH = "<<<<<<< SEARCH";
    static final String DIVIDER = "=======";
    static final String REPLACE = ">>>>>>> REPLACE";

    private SearchReplace() {}

    /** Whether the answer contains at least one block. */
    public static boolean present(String answer) {
        return answer.lines().anyMatch(line -> line.strip().equals(SEARCH));
    }

    /** The tree with every block applied in order. */
    public static RecipeTree apply(String answer, RecipeTree tree) throws MalformedAnswer {
        Map<String, String> texts = new TreeMap<>();
        List<String> lines = answer.lines().toList();
        String path = null;
        int block = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.equals(SEARCH)) {
                if (!line.isEmpty() && !line.startsWith("```")) {
                    path = line.replaceAll("^[`*]+|[`*:]+$", "").strip();
                }
                continue;
            }
            block++;
            List<String> search = new ArrayList<>();
            List<String> replace = new ArrayList<>();
            i = collect(lines, i + 1, DIVIDER, search, block);
            i = collect(lines, i + 1, REPLACE, replace, block);
            if (path == null || !tree.files().containsKey(path)) {
                throw new MalformedAnswer("block " + block + " names '" + path + "', which is not a file of the recipe;"
                        + " put the file's path alone on the line before " + SEARCH);
            }
            String text = texts.containsKey(path) ? texts.get(path) : tree.text(path);
            texts.put(path, replaceOnce(text, lines(search), lines(replace), path, block));
            path = null;
        }
        Map<String, byte[]> files = new TreeMap<>(tree.files());
        texts.forEach((file, text) -> files.put(file, text.getBytes(StandardCharsets.UTF_8)));
        return new RecipeTree(files);
    }

    private static int collect(List<String> lines, int from, String end, List<String> into, int block)
            throws MalformedAnswer {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(end)) {
                return i;
            }
            into.add(lines.get(i));
        }
        throw new MalformedAnswer("block " + block + " is not terminated: expected a line '" + end + "'");
    }

    private static String lines(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private static String replaceOnce(String text, String search, String replace, String path, int block)
            throws MalformedAnswer {
        if (search.isBlank()) {
            throw new MalformedAnswer("block " + block + " has an empty SEARCH part; copy the lines to replace");
        }
        int at = text.indexOf(search);
        if (at < 0) {
            throw new MalformedAnswer("the SEARCH text of block " + block + " does not occur in " + path
                    + "; copy the current lines exactly, including indentation");
        }
        if (text.indexOf(search, at + 1) >= 0) {
            throw new MalformedAnswer("the SEARCH text of block " + block + " occurs more than once in " + path
                    + "; include more surrounding lines so that it is unique");
        }
        return text.substring(0, at) + replace + text.substring(at + search.length());
    }
}
