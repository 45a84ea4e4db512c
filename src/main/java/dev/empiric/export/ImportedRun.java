package dev.empiric.export;

import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.List;

/**
 * A run of another harness as Empiric reads it: its trials in file order, the score they are
 * measured by and its direction, and the report of what the file held.
 */
public record ImportedRun(String format, String metric, Goal goal, List<ImportRow> rows, ImportReport report) {}
