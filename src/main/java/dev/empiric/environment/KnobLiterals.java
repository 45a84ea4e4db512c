package dev.empiric.environment;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and rewrites knobs: a knob is a module-level line {@code NAME = literal} (an optional
 * trailing comment is kept). Only the literal changes, so a diff touches exactly one line per knob.
 */
public final class KnobLiterals {

    private KnobLiterals() {}

    /** The literal assigned to {@code name} at module level, if the file has that line. */
    public static Optional<String> read(String text, String name) {
        Matcher line = line(name).matcher(text);
        return line.find() ? Optional.of(line.group(2)) : Optional.empty();
    }

    /** The file with {@code name}'s first module-level assignment set to {@code literal}. */
    public static String write(String text, String name, String literal) {
        Matcher line = line(name).matcher(text);
        if (!line.find()) {
            throw new IllegalArgumentException("no line '" + name + " = ...' to edit");
        }
        return text.substring(0, line.start(2)) + literal + text.substring(line.end(2));
    }

    /** The number a literal denotes (Python syntax, underscores allowed), if it is one. */
    public static OptionalDouble number(String literal) {
        try {
            return OptionalDouble.of(Double.parseDouble(literal.replace("_", "")));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** A string literal without its quotes; anything else unchanged. */
    public static String unquote(String literal) {
        if (literal.length() >= 2 && (literal.startsWith("\"") && literal.endsWith("\"")
                || literal.startsWith("'") && literal.endsWith("'"))) {
            return literal.substring(1, literal.length() - 1);
        }
        return literal;
    }

    private static Pattern line(String name) {
        return Pattern.compile("^(" + Pattern.quote(name) + "\\s*=\\s*)(.*?)(\\s*#.*)?$", Pattern.MULTILINE);
    }
}
