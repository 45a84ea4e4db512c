package dev.empiric.export;

import java.util.function.Supplier;

/**
 * A trial's log as an export reads it: the text, read only when the export's cache holds no current
 * copy, and a stamp that changes whenever the text may have (the server uses its file's size and
 * modification time). Stamp 0 means "no stamp": the text is always read.
 */
public record TrialLog(long stamp, Supplier<String> text) {

    public static final TrialLog NONE = of(null);

    /** A log given as text, which no cache keeps. */
    public static TrialLog of(String text) {
        return new TrialLog(0, () -> text == null ? "" : text);
    }
}
