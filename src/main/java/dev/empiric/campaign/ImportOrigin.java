package dev.empiric.campaign;

import dev.empiric.Json;
import dev.empiric.environment.EnvironmentSpec.Goal;

/**
 * Where an imported campaign's trials came from: another harness's results file, read once. Its
 * trials were run, scored and labelled elsewhere, so the campaign has no environment on this server
 * and takes no trials; what it does have is the file's identity (its SHA-256, also the campaign's
 * environment hash) and the score column with its direction, which the lineage view, the campaign's
 * summary and its export need in place of an environment spec.
 *
 * @param format the importer that read it ({@code auto-research-recipes}, {@code autoresearch})
 * @param fileSha256 SHA-256 of the file's bytes as uploaded
 * @param metric the file's score column (val_bpb, train_s, core_metric, ...)
 * @param goal the direction that column improves in, as the run's own keeps show it
 */
public record ImportOrigin(String format, String fileSha256, String metric, Goal goal) {

    public String toJson() {
        return Json.write(this);
    }

    public static ImportOrigin fromJson(String json) {
        return Json.read(json, ImportOrigin.class);
    }
}
