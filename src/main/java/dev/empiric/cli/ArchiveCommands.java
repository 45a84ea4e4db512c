package dev.empiric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A campaign's verifiable export, checking one, and importing another harness's records (docs/api.md). */
final class ArchiveCommands {

    private static final String BYTES = "application/octet-stream";

    private ArchiveCommands() {}

    static Path readable(Path file) {
        if (!Files.isReadable(file)) {
            throw new Failure(Empiric.USAGE, "cannot read " + file);
        }
        return file;
    }

    @Command(name = "export", description = "Download a campaign's verifiable export.")
    static final class Export implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id")
        long campaign;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "where to write it")
        Path output;

        Export(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() throws Exception {
            empiric.client().download("/api/campaigns/" + campaign + "/export", output);
            if (empiric.json()) {
                empiric.print(Empiric.JSON.createObjectNode().put("file", output.toString()).put("bytes", Files.size(output)));
            } else {
                empiric.out().printf("campaign %d exported to %s (%d bytes)%n", campaign, output, Files.size(output));
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Have the server verify an export: hash chains, commits, records. Exit 6 if it does not verify.")
    static final class Verify implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "FILE", description = "an export written by 'empiric export'")
        Path file;

        Verify(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            JsonNode report = empiric.client().upload("/api/verify", readable(file), BYTES);
            boolean verified = report.path("verified").asBoolean(false);
            if (empiric.json()) {
                empiric.print(report);
            } else {
                empiric.out().println(file + (verified ? ": verified" : ": does NOT verify")
                        + " against key " + report.path("key").asText("?"));
                report.path("failures").forEach(failure -> empiric.out().println("  " + failure.asText()));
            }
            return verified ? 0 : Empiric.NOT_VERIFIED;
        }
    }

    @Command(name = "import", description = "Import another harness's trial records (for example a results.tsv) as a campaign.")
    static final class Import implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "FILE", description = "the records to import")
        Path file;

        @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "what the file is, as the server names its importers")
        String format;

        Import(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            JsonNode report = empiric.client().upload("/api/imports?format=" + URLEncoder.encode(format, StandardCharsets.UTF_8),
                    readable(file), BYTES);
            if (empiric.json()) {
                empiric.print(report);
            } else {
                JsonNode counts = report.path("report");
                empiric.out().printf("campaign %d imported from %s: %d rows read, %d imported, %d repaired, %d flagged%n",
                        report.path("campaignId").asLong(), file, counts.path("rowsRead").asInt(),
                        counts.path("imported").asInt(), counts.path("recovered").asInt(), counts.path("flagged").asInt());
                counts.path("issues").forEach(issue -> empiric.out().printf("  line %d: %s%n",
                        issue.path("line").asInt(), issue.path("message").asText()));
            }
            return 0;
        }
    }
}
