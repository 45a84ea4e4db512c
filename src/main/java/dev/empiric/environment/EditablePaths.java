package dev.empiric.environment;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/** The globs of an environment's {@code editable} key, as one test: may a diff touch this path? */
public final class EditablePaths {

    private final List<String> globs;
    private final List<PathMatcher> matchers;

    public EditablePaths(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.matchers = globs.stream().map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
    }

    /** Whether the relative path matches one of the globs; callers check the path's shape first. */
    public boolean matches(String relativePath) {
        Path path = Path.of(relativePath);
        return matchers.stream().anyMatch(matcher -> matcher.matches(path));
    }

    public List<String> globs() {
        return globs;
    }
}
