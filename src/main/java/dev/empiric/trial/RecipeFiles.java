package dev.empiric.trial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a recipe's files (path to content, as a commit holds them) into a folder on the host. Paths
 * come from commits that hostile diffs produced, so each one is resolved against the folder and must
 * stay inside it. Both sides of that comparison are normalised absolute paths: comparing a normalised
 * path with a raw one ({@code ./trials/...}) refuses every file (issue 7), and comparing after
 * resolving symlinks would stop a symlinked data directory from working. Nothing is followed: an
 * existing link at a destination is refused rather than written through.
 */
public final class RecipeFiles {

    private RecipeFiles() {}

    public static void writeInto(Map<String, byte[]> files, Path folder) throws IOException {
        Path root = folder.toAbsolutePath().normalize();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path destination = root.resolve(file.getKey()).normalize();
            if (!destination.startsWith(root) || destination.equals(root)) {
                throw new IOException("refusing to write outside the work tree: " + file.getKey());
            }
            Files.createDirectories(destination.getParent());
            if (Files.isSymbolicLink(destination) || Files.exists(destination, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(destination, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("refusing to write through a non-regular file: " + file.getKey());
            }
            Files.write(destination, file.getValue());
        }
    }
}
