package dev.empiric.cli;

import static dev.empiric.cli.CampaignCommands.number;
import static dev.empiric.cli.CampaignCommands.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Submitting trials, reading one, and checking one out as a git working copy to edit. */
final class TrialCommands {

    private static final Duration POLL = Duration.ofSeconds(1);

    private TrialCommands() {}

    /** One line per trial, as {@code submit --wait} and {@code watch} print it. */
    static String line(JsonNode trial) {
        String outcome = trial.hasNonNull("label") ? trial.get("label").asText() : text(trial.get("state"));
        JsonNode delta = trial.get("deltaVsBest");
        String hypothesis = text(trial.get("hypothesis")).replaceAll("\\s+", " ");
        return String.format("#%-4s %-10s %-16s %-8s %-9s %s", trial.path("number").asText(),
                text(trial.get("specialist")), outcome, number(trial.get("score")),
                delta == null || delta.isNull() ? "" : String.format("%+.4f", delta.asDouble()),
                hypothesis.length() > 90 ? hypothesis.substring(0, 87) + "..." : hypothesis);
    }

    /** A trial by id ({@code 42}) or by campaign and number ({@code 3/7}). */
    static JsonNode trial(ServerClient client, String reference) {
        String[] parts = reference.split("/", -1);
        try {
            if (parts.length == 2) {
                return client.get("/api/campaigns/" + Long.parseLong(parts[0]) + "/trials/" + Integer.parseInt(parts[1]));
            }
            if (parts.length == 1) {
                return client.get("/api/trials/" + Long.parseLong(parts[0]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Failure(Empiric.USAGE, "'" + reference + "' names no trial: give its id (42) or campaign/number (3/7)");
    }

    /** Where the diff comes from: a file, standard input, or the changes in a git checkout. */
    static final class Source {
        @Option(names = "--diff", paramLabel = "FILE", description = "a unified diff; '-' reads standard input")
        String file;

        @Option(names = "--git", description = "the uncommitted changes of a checkout (git diff HEAD), see 'empiric checkout'")
        boolean git;
    }

    @Command(name = "submit", description = "Submit a trial: a hypothesis and a unified diff against its parent (default: the best).")
    static final class Submit implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "CAMPAIGN", description = "the campaign's id")
        long campaign;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = {"-C", "--checkout"}, paramLabel = "DIR", defaultValue = ".",
                description = "the checkout for --git (default: the current directory)")
        Path checkout;

        @Option(names = "--hypothesis", required = true, description = "what the edit changes and why it should help")
        String hypothesis;

        @Option(names = "--parent", paramLabel = "N",
                description = "the trial number it builds on (default: the checkout's trial with --git, else the best)")
        Integer parent;

        @Option(names = "--specialist", paramLabel = "NAME", description = "who proposes it (default: external)")
        String specialist;

        @Option(names = "--expected-delta", paramLabel = "X", description = "the change of the metric you expect")
        Double expectedDelta;

        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "submitting again with the same key returns the first trial")
        String idempotencyKey;

        @Option(names = "--wait", description = "wait for the outcome and print it")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800", description = "how long --wait waits (default: ${DEFAULT-VALUE})")
        long timeoutSeconds;

        Submit(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            ObjectNode body = Empiric.JSON.createObjectNode().put("hypothesis", hypothesis).put("diff", diff());
            Integer base = parent != null ? parent : source.git ? Git.config(checkout, "empiric.parent").map(Integer::valueOf).orElse(null) : null;
            if (base != null) {
                body.put("parent", base);
            }
            if (specialist != null) {
                body.put("specialist", specialist);
            }
            if (expectedDelta != null) {
                body.put("expectedDelta", expectedDelta);
            }
            ServerClient client = empiric.client();
            JsonNode trial = client.post("/api/campaigns/" + campaign + "/trials", body,
                    idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
            if (await) {
                trial = awaitOutcome(client, trial.path("id").asLong());
            }
            if (empiric.json()) {
                empiric.print(trial);
            } else {
                empiric.out().printf("trial %s/%s (id %s)%n%s%n", campaign, trial.path("number").asText(),
                        trial.path("id").asText(), line(trial));
                if (trial.hasNonNull("labelReason") && await) {
                    empiric.out().println("  " + trial.get("labelReason").asText());
                }
            }
            return 0;
        }

        private String diff() {
            if (source.git) {
                return Git.run(checkout, "diff", "--no-color", "--no-ext-diff", "HEAD");
            }
            try {
                byte[] bytes = source.file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(source.file));
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Failure(Empiric.USAGE, "cannot read the diff from " + source.file + ": " + e.getMessage());
            }
        }

        private JsonNode awaitOutcome(ServerClient client, long id) {
            Instant until = Instant.now().plusSeconds(timeoutSeconds);
            while (true) {
                JsonNode trial = client.get("/api/trials/" + id);
                String state = trial.path("state").asText();
                if (state.equals("FINISHED") || state.equals("CANCELLED")) {
                    return trial;
                }
                if (Instant.now().isAfter(until)) {
                    throw new Failure(Empiric.UNREACHABLE, "trial id " + id + " is still " + state + " after "
                            + timeoutSeconds + " s");
                }
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Failure(Empiric.UNREACHABLE, "interrupted while waiting for trial id " + id);
                }
            }
        }
    }

    @Command(name = "trial", description = "One trial: every recorded field, or its diff, log or files.")
    static final class Show implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(paramLabel = "TRIAL", description = "its id (42), or campaign/number (3/7)")
        String reference;

        @ArgGroup(exclusive = true)
        Part part;

        static final class Part {
            @Option(names = "--diff", description = "the diff as submitted")
            boolean diff;

            @Option(names = "--log", description = "the tail of its containers' output")
            boolean log;

            @Option(names = "--files", description = "the paths of its recipe's files")
            boolean files;
        }

        Show(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() {
            ServerClient client = empiric.client();
            JsonNode trial = trial(client, reference);
            String path = "/api/trials/" + trial.path("id").asText();
            if (part != null && part.diff) {
                empiric.out().print(client.text(path + "/diff", "text/x-diff"));
            } else if (part != null && part.log) {
                empiric.out().print(client.text(path + "/log", "text/plain"));
            } else if (part != null && part.files) {
                JsonNode files = client.get(path + "/files");
                if (empiric.json()) {
                    empiric.print(files);
                } else {
                    files.forEach(file -> empiric.out().println(file.asText()));
                }
            } else if (empiric.json()) {
                empiric.print(trial);
            } else {
                show(trial);
            }
            return 0;
        }

        private void show(JsonNode trial) {
            empiric.out().println(line(trial));
            for (String field : List.of("id", "campaignId", "parent", "state", "label", "labelReason", "score",
                    "scoreStd", "deltaVsBest", "judgedAgainst", "commit", "submittedAt", "finishedAt", "recipeSeconds",
                    "scoringSeconds", "artifactBytes", "attempts", "proposedFrom", "notes")) {
                if (trial.hasNonNull(field)) {
                    empiric.out().printf("  %-14s %s%n", field, trial.get(field).asText().strip().replace("\n", "\n" + " ".repeat(17)));
                }
            }
            trial.path("metrics").fields().forEachRemaining(metric ->
                    empiric.out().printf("  %-14s %s%n", metric.getKey(), metric.getValue().asText()));
        }
    }

    @Command(name = "checkout", description = "Write a trial's recipe into a new git working copy: edit it, then 'empiric submit CAMPAIGN --git -C DIR'.")
    static final class Checkout implements Callable<Integer> {

        private final Empiric empiric;

        @Parameters(index = "0", paramLabel = "CAMPAIGN", description = "the campaign's id")
        long campaign;

        @Parameters(index = "1", paramLabel = "DIR", description = "a directory that does not exist yet, or is empty")
        Path directory;

        @Option(names = "--trial", paramLabel = "N", description = "the trial number to check out (default: the best)")
        Integer number;

        Checkout(Empiric empiric) {
            this.empiric = empiric;
        }

        @Override
        public Integer call() throws IOException {
            ServerClient client = empiric.client();
            int trialNumber = number != null ? number : client.get("/api/campaigns/" + campaign).path("bestNumber").asInt();
            JsonNode trial = client.get("/api/campaigns/" + campaign + "/trials/" + trialNumber);
            String files = "/api/trials/" + trial.path("id").asText() + "/files";
            Path root = directory.toAbsolutePath().normalize();
            if (Files.exists(root)) {
                try (Stream<Path> entries = Files.list(root)) {
                    if (entries.findAny().isPresent()) {
                        throw new Failure(Empiric.USAGE, root + " is not empty");
                    }
                }
            }
            List<String> written = new ArrayList<>();
            for (JsonNode file : client.get(files)) {
                Path target = root.resolve(file.asText()).normalize();
                if (!target.startsWith(root) || target.equals(root)) {
                    throw new Failure(Empiric.UNREACHABLE, "the server named a file outside the checkout: " + file.asText());
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, client.text(files + "/" + file.asText(), "text/plain"));
                written.add(file.asText());
            }
            Git.run(root, "init", "-q");
            Git.run(root, "config", "empiric.campaign", Long.toString(campaign));
            Git.run(root, "config", "empiric.parent", Integer.toString(trialNumber));
            Git.run(root, "add", "-A");
            Git.run(root, "-c", "user.name=empiric", "-c", "user.email=empiric@localhost", "commit", "-q", "-m",
                    "campaign " + campaign + ", trial " + trialNumber);
            if (empiric.json()) {
                empiric.print(Empiric.JSON.createObjectNode().put("directory", root.toString()).put("trial", trialNumber)
                        .set("files", Empiric.JSON.valueToTree(written)));
            } else {
                empiric.out().printf("trial %d/%d in %s (%d files); edit, then: empiric submit %d --git -C %s --hypothesis '...'%n",
                        campaign, trialNumber, root, written.size(), campaign, directory);
            }
            return 0;
        }
    }
}
