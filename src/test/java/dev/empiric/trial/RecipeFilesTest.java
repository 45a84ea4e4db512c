package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The containment check of checkouts, for every shape a data directory may take (issue 7). */
@Tag("unit")
class RecipeFilesTest {

    private static final Map<String, byte[]> RECIPE = Map.of("train.py", bytes("print(1)\n"),
            "lib/model.py", bytes("x = 1\n"));

    @TempDir
    Path temp;

    @Test
    void writesIntoAnAbsoluteFolder() throws IOException {
        Path work = temp.resolve("work");
        RecipeFiles.writeInto(RECIPE, work);
        assertEquals("print(1)\n", Files.readString(work.resolve("train.py")));
        assertEquals("x = 1\n", Files.readString(work.resolve("lib/model.py")));
    }

    @Test
    void writesIntoARelativeAndADotPrefixedFolder() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        Path relative = cwd.relativize(temp.resolve("relative"));
        RecipeFiles.writeInto(RECIPE, relative);
        assertTrue(Files.isRegularFile(temp.resolve("relative/train.py")));

        Path dotted = Path.of("./" + cwd.relativize(temp.resolve("dotted")));
        RecipeFiles.writeInto(RECIPE, dotted.resolve("./work/../work"));
        assertTrue(Files.isRegularFile(temp.resolve("dotted/work/lib/model.py")));
    }

    @Test
    void writesThroughASymlinkedDataDirectory() throws IOException {
        Path real = Files.createDirectories(temp.resolve("real-data"));
        Path link = Files.createSymbolicLink(temp.resolve("data"), real);
        RecipeFiles.writeInto(RECIPE, link.resolve("work/trial-1"));
        assertTrue(Files.isRegularFile(real.resolve("work/trial-1/train.py")));
    }

    @Test
    void refusesEntriesThatEscapeTheFolderEvenBehindASymlink() throws IOException {
        Path real = Files.createDirectories(temp.resolve("real-data"));
        Path link = Files.createSymbolicLink(temp.resolve("data"), real);
        Path work = link.resolve("work");
        for (String escaping : new String[] {"../outside.py", "lib/../../outside.py", "/etc/evil.py", "."}) {
            IOException refused = assertThrows(IOException.class,
                    () -> RecipeFiles.writeInto(Map.of(escaping, bytes("evil")), work), escaping);
            assertTrue(refused.getMessage().startsWith("refusing"), refused.getMessage());
        }
        assertFalse(Files.exists(real.resolve("outside.py")));
        assertFalse(Files.exists(temp.resolve("outside.py")));
    }

    @Test
    void refusesToWriteThroughALinkLeftInTheFolder() throws IOException {
        Path work = Files.createDirectories(temp.resolve("work"));
        Path victim = Files.writeString(temp.resolve("victim.txt"), "untouched");
        Files.createSymbolicLink(work.resolve("train.py"), victim);
        assertThrows(IOException.class, () -> RecipeFiles.writeInto(RECIPE, work));
        assertEquals("untouched", Files.readString(victim));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
