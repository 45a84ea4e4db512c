package dev.empiric.export;

import java.util.List;

/**
 * What an import read: how many rows, how many became trials (all of them: nothing is dropped), and
 * every row that needed repair or could not be read unambiguously, with what was wrong.
 *
 * @param rowsRead data rows in the file (blank lines are not rows)
 * @param imported rows turned into trials; always equal to {@code rowsRead}
 * @param recovered rows repaired unambiguously (a stray tab, an unquoted line break, a missing trailing field)
 * @param flagged rows imported with a problem that could not be repaired; see {@link #issues}
 * @param notes facts about the whole file (the score column and goal inferred, and from what)
 */
public record ImportReport(String format, int rowsRead, int imported, int recovered, int flagged,
        List<Issue> issues, List<String> notes) {

    /** One row's issue: recovered (the row is complete) or flagged (something in it stays unknown). */
    public record Issue(int line, String row, boolean flagged, String message) {}
}
