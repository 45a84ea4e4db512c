package dev.empiric.trial;

import dev.empiric.environment.EditablePaths;
import dev.empiric.environment.EnvironmentSpec;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.diff.DiffEntry.ChangeType;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.FileHeader.PatchType;
import org.eclipse.jgit.patch.Patch;

/**
 * What a diff may do (docs/sandbox.md): touch only the environment's editable paths, as regular
 * files. Every diff is treated as hostile, so the check runs on the parsed patch before anything is
 * applied, and the repository is unchanged when it fails.
 */
public final class DiffPolicy {

    private static final Set<String> FORBIDDEN_NAMES = Set.of(".git", ".gitmodules", ".gitattributes");

    private final EditablePaths editable;
    private final boolean allowBinary;

    public DiffPolicy(List<String> editableGlobs, boolean allowBinary) {
        this.editable = new EditablePaths(editableGlobs);
        this.allowBinary = allowBinary;
    }

    /** The policy an environment's spec declares. */
    public static DiffPolicy of(EnvironmentSpec spec) {
        return new DiffPolicy(spec.editable(), spec.artifact().allowBinary());
    }

    /** Throws with every violation listed, or returns when the whole patch is allowed. */
    public void check(Patch patch) throws EditRejected {
        List<String> violations = new ArrayList<>();
        for (FileHeader file : patch.getFiles()) {
            if (file.getChangeType() != ChangeType.ADD) {
                checkPath(file.getOldPath(), violations);
            }
            if (file.getChangeType() != ChangeType.DELETE) {
                checkPath(file.getNewPath(), violations);
            }
            checkMode(file, file.getOldMode(), violations);
            checkMode(file, file.getNewMode(), violations);
            if (!allowBinary && file.getPatchType() != PatchType.UNIFIED) {
                violations.add(describe(file) + ": binary patches are not allowed in this environment");
            }
        }
        if (!violations.isEmpty()) {
            throw new EditRejected(Label.ILLEGAL_EDIT, String.join("; ", violations));
        }
    }

    /** Whether a diff may touch this path: the same test {@link #check} applies to every file of a patch. */
    public boolean allows(String path) {
        List<String> violations = new ArrayList<>();
        checkPath(path, violations);
        return violations.isEmpty();
    }

    private void checkPath(String path, List<String> violations) {
        if (path == null || path.isEmpty()) {
            violations.add("a file in the diff has no path");
            return;
        }
        if (path.startsWith("/") || path.contains("\\") || path.chars().anyMatch(c -> c < 0x20)) {
            violations.add("'" + printable(path) + "': absolute paths, backslashes and control characters are not allowed");
            return;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
                violations.add("'" + path + "': path segments '..', '.' and empty segments are not allowed");
                return;
            }
            if (FORBIDDEN_NAMES.contains(segment)) {
                violations.add("'" + path + "': " + segment + " may not be edited");
                return;
            }
        }
        boolean allowed;
        try {
            allowed = editable.matches(path);
        } catch (InvalidPathException e) {
            // A name the server's file system encoding cannot hold (a non-ASCII name under a C locale).
            violations.add("'" + printable(path) + "': this server's file system cannot represent the name");
            return;
        }
        if (!allowed) {
            violations.add("'" + path + "' is outside the editable paths " + editable.globs());
        }
    }

    private static void checkMode(FileHeader file, FileMode mode, List<String> violations) {
        if (mode == null || mode == FileMode.MISSING || mode == FileMode.REGULAR_FILE
                || mode == FileMode.EXECUTABLE_FILE) {
            return;
        }
        String kind = mode == FileMode.SYMLINK ? "symlinks" : mode == FileMode.GITLINK ? "gitlinks (submodules)"
                : "file mode " + mode;
        violations.add(describe(file) + ": " + kind + " are not allowed");
    }

    private static String describe(FileHeader file) {
        return "'" + printable(file.getChangeType() == ChangeType.DELETE ? file.getOldPath() : file.getNewPath()) + "'";
    }

    private static String printable(String path) {
        return path == null ? "(none)" : path.replaceAll("\\p{Cntrl}", "?");
    }
}
