package dev.empiric.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.empiric.Sha256;
import dev.empiric.campaign.EventLog;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.PairedTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.patch.PatchApplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportBundleStream;
import org.eclipse.jgit.transport.URIish;

/**
 * The checks of {@code verify.py}, in Java, for the server's own use ({@code empiric verify}, a
 * verification endpoint): the same order, the same rules and the same messages, so either can be
 * trusted to say the same thing about an export. An auditor should still run verify.py: it shares
 * no code with the server, while this class re-applies diffs with the JGit the server committed
 * them with.
 *
 * <p>It reads the whole record list into memory; give it exports of a size the caller accepts.
 */
public final class Verifier {

    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}");
    private static final List<String> RECORD_FIELDS = List.of("number", "parent", "specialist", "hypothesis",
            "expected_delta", "diff_sha256", "commit", "tree", "state", "label", "source_status", "reason", "score",
            "score_std", "metrics", "artifact_bytes", "judgement", "timings", "attempts", "proposer_view_sha256",
            "log_sha256", "prev_sha256");
    private static final List<String> JUDGEMENT_FIELDS = List.of("incumbent", "incumbent_score", "keep_threshold",
            "noise_floor");
    private static final List<String> TIMING_FIELDS = List.of("finished_at", "recipe_seconds", "scoring_seconds",
            "started_at", "submitted_at");
    private static final List<String> EVENT_FIELDS = List.of("seq", "type", "trial", "actor", "at", "payload",
            "prev_hash", "hash");
    private static final Pattern EVENT_AT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final List<String> VIEWS = List.of("results.tsv", "tree.tsv", "best.json", "LEADERBOARD.md",
            "KNOWLEDGE.md");

    /** The outcome: empty {@code failures} means verified; the first failure is the headline. */
    public record Result(String campaign, List<String> failures, List<String> summary) {
        public boolean verified() {
            return failures.isEmpty();
        }

        /** The report as verify.py prints it. */
        public String report() {
            StringBuilder text = new StringBuilder();
            if (verified()) {
                text.append("VERIFIED ").append(campaign).append('\n');
                summary.forEach(line -> text.append("  ok  ").append(line).append('\n'));
            } else {
                text.append("FAILED: ").append(failures.getFirst()).append('\n');
                if (failures.size() > 1) {
                    text.append("also broken (").append(failures.size() - 1).append(" more):\n");
                    failures.subList(1, Math.min(failures.size(), 21)).forEach(f -> text.append("  - ").append(f).append('\n'));
                }
            }
            return text.toString();
        }
    }

    private final Path folder;
    private final String publicKey;
    private final List<String> failures = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private JsonNode checkpoint;
    private ExportCampaign campaign;
    private final List<byte[]> lines = new ArrayList<>();
    private final List<ExportRecord> records = new ArrayList<>();
    private final Map<Integer, ExportRecord> byNumber = new HashMap<>();

    private Verifier(Path folder, String publicKey) {
        this.folder = folder;
        this.publicKey = publicKey;
    }

    /**
     * Verifies the unzipped export in {@code folder} (or in its only sub-folder holding a checkpoint)
     * against {@code publicKey}, base64 of the server's raw Ed25519 key.
     *
     * @throws IllegalArgumentException when {@code folder} holds no export or the key is not an Ed25519 key
     */
    public static Result verify(Path folder, String publicKey) {
        SigningKey.fingerprint(publicKey); // refuses a malformed key before anything is read
        Verifier verifier = new Verifier(exportFolder(folder), publicKey);
        verifier.run();
        ExportCampaign c = verifier.campaign;
        String title = c == null ? "campaign None 'None' (None; None, none)" : "campaign " + c.id() + " '" + c.name()
                + "' (" + c.environment() + "; " + c.metric() + ", " + c.goal().name().toLowerCase() + ")";
        return new Result(title, List.copyOf(verifier.failures), List.copyOf(verifier.summary));
    }

    /** {@code java dev.empiric.export.Verifier FOLDER --key KEY}: exit 0 verified, 1 broken, 2 wrong command. */
    public static void main(String[] args) {
        if (args.length != 3 || !args[1].equals("--key")) {
            System.err.println("usage: Verifier EXPORT_FOLDER --key PUBLIC_KEY");
            System.exit(2);
        }
        try {
            Result result = verify(Path.of(args[0]), args[2]);
            System.out.print(result.report());
            System.exit(result.verified() ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("Verifier: " + e.getMessage());
            System.exit(2);
        }
    }

    private static Path exportFolder(Path folder) {
        if (Files.isRegularFile(folder.resolve("checkpoint"))) {
            return folder;
        }
        try (Stream<Path> children = Files.isDirectory(folder) ? Files.list(folder) : Stream.empty()) {
            List<Path> inner = children.filter(child -> Files.isRegularFile(child.resolve("checkpoint"))).toList();
            if (inner.size() == 1) {
                return inner.getFirst();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(folder + " is not an export folder (no checkpoint in it)");
    }

    private interface Check {
        void run() throws Exception;
    }

    private void run() {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("manifest", this::checkManifest);
        checks.put("checkpoint", this::checkCheckpoint);
        checks.put("records", this::checkRecords);
        checks.put("files", this::checkFiles);
        checks.put("events", this::checkEvents);
        checks.put("git", this::checkGit);
        checks.put("labels", this::checkLabels);
        checks.put("views", this::checkViews);
        checks.forEach((name, check) -> {
            try {
                check.run();
            } catch (Exception e) { // a malformed export must end in a failure report, not a stack trace
                failures.add(name + ": the check stopped on malformed input: " + e.getClass().getSimpleName() + ": "
                        + e.getMessage());
            }
        });
    }

    private boolean exists(String name) {
        return Files.isRegularFile(path(name));
    }

    private Path path(String name) {
        return folder.resolve(name);
    }

    private byte[] read(String name) throws IOException {
        return Files.readAllBytes(path(name));
    }

    private void checkManifest() throws IOException {
        if (!exists("MANIFEST.json")) {
            failures.add("MANIFEST.json is missing");
            return;
        }
        JsonNode listed = CanonicalJson.parse(new String(read("MANIFEST.json"), StandardCharsets.UTF_8)).path("files");
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/'))
                    .filter(name -> !name.equals("MANIFEST.json") && !Arrays.asList(name.split("/")).contains("__pycache__"))
                    .forEach(onDisk::add);
        }
        Set<String> names = new TreeSet<>();
        listed.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (name.startsWith("/") || Arrays.asList(name.split("/")).contains("..")) {
                failures.add("MANIFEST.json lists the unsafe path '" + name + "'");
            } else if (!onDisk.contains(name)) {
                failures.add(name + " is listed in MANIFEST.json but missing");
            } else {
                String sha = Sha256.hex(read(name));
                if (!sha.equals(listed.get(name).asText())) {
                    failures.add(name + ": its sha256 is " + sha + ", MANIFEST.json says " + listed.get(name).asText()
                            + ": the file was changed");
                }
            }
        }
        for (String name : onDisk) {
            if (!names.contains(name)) {
                failures.add(name + " is not listed in MANIFEST.json");
            }
        }
        summary.add("manifest: " + names.size() + " files match MANIFEST.json");
    }

    private void checkCheckpoint() throws IOException {
        if (!exists("checkpoint")) {
            failures.add("checkpoint is missing");
            return;
        }
        byte[] bytes = read("checkpoint");
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == '\n') {
            end--;
        }
        JsonNode parsed;
        try {
            parsed = canonical(Arrays.copyOf(bytes, end));
        } catch (IllegalArgumentException e) {
            failures.add("checkpoint: " + e.getMessage());
            return;
        }
        if (!Checkpoint.FORMAT.equals(parsed.path("format").asText(null))) {
            failures.add("checkpoint: format '" + parsed.path("format").asText(null) + "' is not " + Checkpoint.FORMAT
                    + ", which this verify.py reads");
            return;
        }
        String given = SigningKey.fingerprint(publicKey);
        ObjectNode unsigned = ((ObjectNode) parsed).deepCopy();
        unsigned.remove("signature");
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(parsed.path("signature").asText(""));
        } catch (IllegalArgumentException e) {
            signature = new byte[0];
        }
        String named = parsed.path("key").asText(null);
        if (!given.equals(named)) {
            failures.add("checkpoint: signed by key " + named + ", not by the given key " + given
                    + ": it comes from another server or was re-signed");
        } else if (!SigningKey.verify(publicKey, CanonicalJson.bytes(unsigned), signature)) {
            failures.add("checkpoint: the signature does not verify with the given key " + given + ": the checkpoint"
                    + " was changed after it was signed, or signed with another key");
        } else {
            summary.add("checkpoint: signed by " + given + ", the given key, at " + parsed.path("created_at").asText());
        }
        checkpoint = parsed;
        campaign = CanonicalJson.read(parsed.path("campaign").toString(), ExportCampaign.class);
    }

    private void checkRecords() throws IOException {
        if (!exists("trials.jsonl")) {
            failures.add("trials.jsonl is missing");
            return;
        }
        byte[] data = read("trials.jsonl");
        if (data.length > 0 && data[data.length - 1] != '\n') {
            failures.add("trials.jsonl: the last line is cut short");
        }
        splitLines(data, lines);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node;
            try {
                node = canonical(lines.get(i));
            } catch (IllegalArgumentException e) {
                failures.add("trials.jsonl line " + (i + 1) + ": " + e.getMessage());
                records.clear();
                return;
            }
            String problem = recordProblem(node);
            ExportRecord record = problem != null ? null : readRecord(node);
            if (problem != null || record == null) {
                failures.add("trials.jsonl line " + (i + 1) + " (trial " + node.path("number").asText("None") + "): "
                        + (problem != null ? problem : "not a trial record"));
                records.clear();
                return;
            }
            records.add(record);
        }
        records.forEach(r -> byNumber.putIfAbsent(r.number(), r));
        Set<Integer> present = new HashSet<>(byNumber.keySet());
        for (int i = 0; i < records.size(); i++) {
            int number = records.get(i).number();
            if (i > 0 && number <= records.get(i - 1).number()) {
                failures.add("trials.jsonl line " + (i + 1) + " holds trial " + number + " after trial "
                        + records.get(i - 1).number() + ": records out of order (moved or swapped)");
                break;
            }
            int expected = i > 0 ? records.get(i - 1).number() + 1 : 0;
            if (number != expected) {
                Integer missing = null;
                for (int n = expected; n < number && missing == null; n++) {
                    missing = present.contains(n) ? null : n;
                }
                failures.add("trials.jsonl line " + (i + 1) + " holds trial " + number + " where trial " + expected
                        + " belongs: " + (missing != null ? "trial " + missing + " is missing (removed)"
                        : "records out of order"));
                break;
            }
        }
        for (int i = 0; i < records.size(); i++) {
            String previous = i > 0 ? Sha256.hex(lines.get(i - 1)) : null;
            if (!java.util.Objects.equals(records.get(i).prevSha256(), previous)) {
                failures.add("trials.jsonl: the record before trial " + records.get(i).number() + " (line " + (i + 1)
                        + ") does not hash to its prev_sha256: " + (i > 0 ? "trial " + records.get(i - 1).number()
                        + " was changed" : "a record was removed"));
                break;
            }
        }
        JsonNode cp = checkpoint == null ? CanonicalJson.object() : checkpoint;
        if (!cp.path("record_count").isIntegralNumber() || cp.path("record_count").asLong() != lines.size()) {
            failures.add("trials.jsonl holds " + lines.size() + " records, the signed checkpoint "
                    + cp.path("record_count").asText("None") + ": records were added or removed");
        }
        String head = lines.isEmpty() ? null : Sha256.hex(lines.getLast());
        if (!java.util.Objects.equals(head, cp.path("record_head").asText(null))) {
            failures.add("trials.jsonl: the last record" + (records.isEmpty() ? "" : " (trial "
                    + records.getLast().number() + ")") + " does not hash to the signed record_head: it was changed");
        }
        String root = MerkleTree.rootHex(lines);
        if (!root.equals(cp.path("merkle_root").asText(null))) {
            failures.add("trials.jsonl: the Merkle root of its " + lines.size() + " records is " + root
                    + ", the signed root is " + cp.path("merkle_root").asText("None")
                    + ": a record was changed, added, removed or moved");
        }
        summary.add("records: " + lines.size() + " trials in order, chained, Merkle root " + root + " as signed");
    }

    private void checkFiles() throws IOException {
        Set<String> referenced = new HashSet<>();
        int diffs = 0;
        int logs = 0;
        for (ExportRecord r : records) {
            int n = r.number();
            String[][] files = {{"diffs", "diffs/" + n + ".diff", "diff_sha256", r.diffSha256()},
                    {"logs", "logs/" + n + ".log", "log_sha256", r.logSha256()},
                    {"views", "views/" + r.proposerViewSha256() + ".md", "proposer_view_sha256", r.proposerViewSha256()}};
            for (String[] file : files) {
                String kind = file[0];
                String name = file[1];
                if (file[3] == null) {
                    if (!kind.equals("views") && exists(name)) {
                        failures.add("trial " + n + ": " + name + " exists but the record has no " + file[2]);
                    }
                    continue;
                }
                referenced.add(name);
                if (!exists(name)) {
                    failures.add("trial " + n + ": " + name + " is missing");
                } else if (!Sha256.hex(read(name)).equals(file[3])) {
                    failures.add("trial " + n + ": " + name + " does not match the record's " + file[2] + ": the "
                            + kind.substring(0, kind.length() - 1) + " was changed");
                } else if (kind.equals("diffs")) {
                    diffs++;
                } else if (kind.equals("logs")) {
                    logs++;
                }
            }
        }
        for (String kind : List.of("diffs", "logs", "views")) {
            if (Files.isDirectory(path(kind))) {
                try (Stream<Path> files = Files.list(path(kind))) {
                    for (String name : files.map(f -> f.getFileName().toString()).sorted().toList()) {
                        if (!referenced.contains(kind + "/" + name)) {
                            failures.add(kind + "/" + name + " is not named by any record");
                        }
                    }
                }
            }
        }
        long views = records.stream().map(ExportRecord::proposerViewSha256).filter(java.util.Objects::nonNull).distinct()
                .count();
        summary.add("files: " + diffs + " diffs, " + logs + " logs and " + views + " proposer views match their records");
    }

    private void checkEvents() throws IOException {
        if (!exists("events.jsonl")) {
            failures.add("events.jsonl is missing");
            return;
        }
        List<byte[]> lines = new ArrayList<>();
        splitLines(read("events.jsonl"), lines);
        List<JsonNode> events = new ArrayList<>();
        String previous = EventLog.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int seq = i + 1;
            JsonNode event;
            try {
                event = canonical(lines.get(i));
            } catch (IllegalArgumentException e) {
                failures.add("events.jsonl line " + seq + ": " + e.getMessage());
                return;
            }
            String problem = eventProblem(event);
            if (problem != null) {
                failures.add("events.jsonl line " + seq + ": " + problem);
                return;
            }
            if (event.get("seq").asLong() != seq) {
                failures.add("events.jsonl line " + seq + " holds event " + event.get("seq").asText() + " where event "
                        + seq + " belongs: an event was removed or moved");
                return;
            }
            if (!event.get("prev_hash").asText().equals(previous)) {
                failures.add("events.jsonl: event " + seq + (seq == 1 ? " does not start the chain (its prev_hash is"
                        + " not 64 zeros)" : " does not chain to event " + (seq - 1) + " (its prev_hash is not that"
                        + " event's hash)") + ": an event was removed, inserted or changed");
                return;
            }
            JsonNode trial = event.get("trial");
            String hash = EventLog.hash(previous, seq, event.get("type").asText(), trial.isNull() ? null : trial.asInt(),
                    event.get("actor").asText(), event.get("at").asText(), event.get("payload").asText());
            if (!hash.equals(event.get("hash").asText())) {
                failures.add("events.jsonl: event " + seq + " does not hash to its recorded hash: it was changed");
                return;
            }
            if (!trial.isNull() && !records.isEmpty() && !byNumber.containsKey(trial.asInt())) {
                failures.add("events.jsonl event " + seq + " concerns trial " + trial.asText() + ", which has no record");
            }
            events.add(event);
            previous = hash;
        }
        JsonNode cp = checkpoint == null ? CanonicalJson.object() : checkpoint;
        String head = events.isEmpty() ? null : previous;
        if (cp.path("event_count").asLong(-1) != events.size()
                || !java.util.Objects.equals(head, cp.path("event_head").asText(null))) {
            failures.add("events.jsonl holds " + events.size() + " events ending in " + py(head) + "; the signed"
                    + " checkpoint says " + cp.path("event_count").asText("None") + " ending in "
                    + cp.path("event_head").asText("None") + ": events were changed, added or removed");
            return;
        }
        int agreeing = checkLogAgainstRecords(events);
        summary.add("events: " + events.size() + " events in order, each hashed and chained by the server's rule, as"
                + " signed; " + agreeing + " trials' submissions and outcomes agree with their records");
    }

    /**
     * The log and the records are two accounts of the same trials: each submission's diff and commit,
     * and each trial's last outcome (label and score, or its cancellation), must be the same in both.
     */
    private int checkLogAgainstRecords(List<JsonNode> events) {
        Map<Integer, JsonNode> submissions = new HashMap<>();
        Map<Integer, JsonNode> outcomes = new HashMap<>();
        for (JsonNode event : events) {
            if (event.get("trial").isNull()) {
                continue;
            }
            int trial = event.get("trial").asInt();
            String type = event.get("type").asText();
            if (type.equals("trial.submitted") || type.equals("trial.rejected")) {
                submissions.put(trial, event);
            }
            if (type.equals("trial.finished") || type.equals("trial.rejected") || type.equals("trial.cancelled")) {
                outcomes.put(trial, event);
            }
        }
        int agreeing = 0;
        for (ExportRecord r : records) {
            int n = r.number();
            JsonNode submitted = submissions.get(n);
            JsonNode outcome = outcomes.get(n);
            int before = failures.size();
            if (submitted != null) {
                JsonNode facts = payload(submitted);
                String diff = facts.path("diffSha256").asText(null);
                String commit = facts.path("commit").asText(null);
                if (!java.util.Objects.equals(diff, r.diffSha256())) {
                    failures.add("trial " + n + ": event " + submitted.get("seq").asText() + " ("
                            + submitted.get("type").asText() + ") recorded the diff's sha256 as " + py(diff)
                            + ", trials.jsonl says " + py(r.diffSha256()));
                } else if (!java.util.Objects.equals(commit, r.commit())) {
                    failures.add("trial " + n + ": event " + submitted.get("seq").asText() + " ("
                            + submitted.get("type").asText() + ") recorded commit " + py(commit) + ", trials.jsonl says "
                            + py(r.commit()));
                }
            }
            if (outcome != null) {
                JsonNode facts = payload(outcome);
                String type = outcome.get("type").asText();
                String seq = outcome.get("seq").asText();
                if (type.equals("trial.cancelled")) {
                    if (r.state() != dev.empiric.trial.TrialState.CANCELLED) {
                        failures.add("trial " + n + " is " + r.state() + " in trials.jsonl, but event " + seq
                                + " (trial.cancelled) cancelled it");
                    }
                } else {
                    String label = facts.path("label").asText(null);
                    Double score = facts.path("score").isNumber() ? facts.get("score").asDouble() : null;
                    if (!java.util.Objects.equals(label, r.label() == null ? null : r.label().name())) {
                        failures.add("trial " + n + " is labelled " + py(r.label()) + " in trials.jsonl, but event " + seq
                                + " (" + type + ") recorded " + py(label));
                    } else if (!java.util.Objects.equals(score, r.score())) {
                        failures.add("trial " + n + " scored " + PaperViews.num(r.score()) + " in trials.jsonl, but"
                                + " event " + seq + " (" + type + ") recorded " + PaperViews.num(score));
                    }
                }
            }
            if ((submitted != null || outcome != null) && failures.size() == before) {
                agreeing++;
            }
        }
        return agreeing;
    }

    /** A value as verify.py prints it with %s: null is None. */
    private static String py(Object value) {
        return value == null ? "None" : value.toString();
    }

    private static JsonNode payload(JsonNode event) {
        try {
            JsonNode facts = CanonicalJson.parse(event.get("payload").asText());
            return facts.isObject() ? facts : CanonicalJson.object();
        } catch (RuntimeException e) {
            return CanonicalJson.object();
        }
    }

    private static String eventProblem(JsonNode e) {
        if (!e.isObject() || !EVENT_FIELDS.stream().allMatch(e::has)) {
            return "an event needs the fields " + String.join(", ", new TreeSet<>(EVENT_FIELDS));
        }
        if (!e.get("seq").isIntegralNumber() || !(e.get("trial").isNull() || e.get("trial").isIntegralNumber())) {
            return "seq and trial are integers";
        }
        for (String field : List.of("type", "actor", "at", "payload", "prev_hash", "hash")) {
            if (!e.get(field).isTextual()) {
                return field + " is not text";
            }
        }
        if (!EVENT_AT.matcher(e.get("at").asText()).matches()) {
            return "at is not a UTC timestamp with milliseconds";
        }
        if (!SHA256.matcher(e.get("prev_hash").asText()).matches() || !SHA256.matcher(e.get("hash").asText()).matches()) {
            return "prev_hash and hash are SHA-256 hex";
        }
        return null;
    }

    private void checkGit() throws Exception {
        List<ExportRecord> committed = records.stream().filter(r -> r.commit() != null).toList();
        if (committed.isEmpty()) {
            summary.add("git: no trial has a commit (an imported run); nothing to recompute");
            return;
        }
        if (!exists("repo.bundle")) {
            failures.add("repo.bundle is missing, but " + committed.size() + " records name commits");
            return;
        }
        try (Repository repository = new InMemoryRepository(new DfsRepositoryDescription("verify"));
                RevWalk walk = new RevWalk(repository); ObjectInserter inserter = repository.newObjectInserter()) {
            try (InputStream in = new ByteArrayInputStream(read("repo.bundle"));
                    Transport transport = new TransportBundleStream(repository, new URIish("repo.bundle"), in)) {
                transport.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+refs/*:refs/*")));
            } catch (Exception e) {
                failures.add("repo.bundle: git cannot read it: " + e.getMessage());
                return;
            }
            Map<String, String> refs = new HashMap<>();
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix(GitTrialStore.TRIAL_REFS)) {
                refs.put(ref.getName(), ref.getObjectId().name());
            }
            int applied = 0;
            for (ExportRecord r : committed) {
                int n = r.number();
                RevCommit commit;
                try {
                    commit = walk.parseCommit(ObjectId.fromString(r.commit()));
                } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                    failures.add("trial " + n + ": commit " + r.commit() + " is not in repo.bundle");
                    continue;
                }
                String ref = refs.get(GitTrialStore.trialRef(n));
                if (!r.commit().equals(ref)) {
                    failures.add("trial " + n + ": repo.bundle's refs/trials/" + n + " is "
                            + (ref == null ? "missing" : ref) + ", not the record's commit " + r.commit());
                    continue;
                }
                if (!commit.getTree().name().equals(r.tree())) {
                    failures.add("trial " + n + ": commit " + r.commit() + " holds tree " + commit.getTree().name()
                            + ", the record says " + r.tree());
                    continue;
                }
                List<String> parents = Arrays.stream(commit.getParents()).map(ObjectId::name).toList();
                if (r.parent() == null) {
                    if (!parents.isEmpty()) {
                        failures.add("trial " + n + " has no parent trial, but its commit has parents " + pyList(parents));
                    }
                    continue;
                }
                ExportRecord parent = byNumber.get(r.parent());
                if (parent == null || parent.commit() == null) {
                    failures.add("trial " + n + ": its parent trial " + r.parent() + " has no commit to build on");
                    continue;
                }
                if (!parents.equals(List.of(parent.commit()))) {
                    failures.add("trial " + n + ": its commit's parent is " + pyList(parents) + ", not trial "
                            + r.parent() + "'s commit " + parent.commit());
                    continue;
                }
                if (r.diffSha256() == null) {
                    failures.add("trial " + n + " has a parent but no diff to recompute its tree from");
                    continue;
                }
                Patch patch = new Patch();
                patch.parse(new ByteArrayInputStream(read("diffs/" + n + ".diff")));
                PatchApplier.Result result;
                try {
                    result = new PatchApplier(repository, walk.parseTree(ObjectId.fromString(parent.tree())), inserter)
                            .applyPatch(patch);
                } catch (IOException e) {
                    failures.add("trial " + n + ": diffs/" + n + ".diff does not apply to trial " + r.parent()
                            + "'s tree: " + e.getMessage());
                    continue;
                }
                if (!result.getErrors().isEmpty() || !patch.getErrors().isEmpty()) {
                    failures.add("trial " + n + ": diffs/" + n + ".diff does not apply to trial " + r.parent()
                            + "'s tree: " + (result.getErrors().isEmpty() ? patch.getErrors() : result.getErrors()));
                    continue;
                }
                if (!result.getTreeId().name().equals(r.tree())) {
                    failures.add("trial " + n + ": diffs/" + n + ".diff applied to trial " + r.parent() + "'s tree gives"
                            + " tree " + result.getTreeId().name() + ", not the recorded " + r.tree());
                    continue;
                }
                applied++;
            }
            summary.add("git: " + committed.size() + " commits found in repo.bundle with their trees and parents; "
                    + applied + " diffs re-applied to their parent's tree give the recorded tree");
        }
    }

    /**
     * The label a trial's confirmation decides (docs/labels.md), after checking that its rounds give
     * what it says: KEEP for CONFIRMED, DISCARD for NOT_CONFIRMED or CANDIDATE_FAILED; null when the
     * threshold alone decided (no confirmation, or one stopped because another trial became the best,
     * after which the trial was judged again). A CONFIRMED whose rounds do not pass the paired test
     * is a failure.
     */
    private Label confirmedLabel(int n, ExportRecord.Judgement j, Goal goal, double improvement) {
        JsonNode c = j.confirmation();
        if (c == null || c.isNull() || !c.path("outcome").isTextual() || "SUPERSEDED".equals(c.path("outcome").asText())
                || c.path("incumbent").asInt(-1) != j.incumbent()) {
            return null;
        }
        double minDelta = c.path("minDelta").asDouble();
        if (!(improvement > minDelta)) {
            failures.add("trial " + n + " was sent to a confirmation, but it improves on trial " + j.incumbent()
                    + " by " + PaperViews.num(improvement) + ", not more than min_delta " + PaperViews.num(minDelta));
        }
        if (!"CONFIRMED".equals(c.path("outcome").asText())) {
            return Label.DISCARD;
        }
        List<Double> gains = new ArrayList<>();
        boolean candidateFailed = false;
        for (JsonNode round : c.path("rounds")) {
            JsonNode candidate = round.path("candidate").path("score");
            JsonNode incumbent = round.path("incumbent").path("score");
            candidateFailed |= !candidate.isNumber();
            if (candidate.isNumber() && incumbent.isNumber()) {
                gains.add(goal == Goal.MAXIMIZE ? candidate.asDouble() - incumbent.asDouble()
                        : incumbent.asDouble() - candidate.asDouble());
            }
        }
        double alpha = c.path("alpha").asDouble();
        PairedTest test = gains.size() >= 2 ? PairedTest.of(gains, minDelta) : null;
        if (candidateFailed || test == null || !(test.meanGain() > 0) || !(test.pValue() < alpha)) {
            failures.add("trial " + n + "'s confirmation says CONFIRMED, but its rounds give " + (candidateFailed
                    ? "a candidate without a score" : test == null ? "fewer than two scored pairs"
                    : "a paired test with mean gain " + PaperViews.num(test.meanGain()) + " and p "
                    + PaperViews.num(test.pValue()) + " against alpha " + PaperViews.num(alpha)));
        }
        return Label.KEEP;
    }

    private void checkLabels() {
        if (campaign == null) {
            return;
        }
        boolean imported = campaign.importedFrom() != null;
        ExportCampaign.KeepRule rule = campaign.keepRule();
        int checked = 0;
        int unchecked = 0;
        List<ExportRecord> incumbents = records.stream()
                .filter(r -> r.kept() && r.timings().finishedAt() != null)
                .sorted(java.util.Comparator.comparing(r -> r.timings().finishedAt())).toList();
        for (ExportRecord r : records) {
            int n = r.number();
            if (r.label() == Label.BASELINE && r.parent() != null) {
                failures.add("trial " + n + " is labelled BASELINE but has parent trial " + r.parent());
            }
            if (r.label() != Label.KEEP && r.label() != Label.DISCARD) {
                continue;
            }
            ExportRecord.Judgement j = r.judgement();
            if (r.score() == null || j.incumbent() == null || j.incumbentScore() == null || j.keepThreshold() == null) {
                if (imported) {
                    unchecked++;
                } else {
                    failures.add("trial " + n + " is labelled " + r.label()
                            + " without the score, incumbent and threshold it was judged by");
                }
                continue;
            }
            ExportRecord incumbent = byNumber.get(j.incumbent());
            if (incumbent == null || !incumbent.kept()) {
                failures.add("trial " + n + " was judged against trial " + j.incumbent() + ", which is not a kept trial");
                continue;
            }
            if (!incumbent.score().equals(j.incumbentScore())) {
                failures.add("trial " + n + " was judged against trial " + j.incumbent() + "'s score "
                        + PaperViews.num(j.incumbentScore()) + ", but trial " + j.incumbent() + " scored "
                        + PaperViews.num(incumbent.score()));
                continue;
            }
            if (rule != null) {
                double floor = j.noiseFloor() != null ? j.noiseFloor() : 0.0;
                double threshold = Math.max(rule.minDelta(), rule.z() * floor);
                if (threshold != j.keepThreshold()) {
                    failures.add("trial " + n + ": keep threshold " + PaperViews.num(j.keepThreshold())
                            + " is not max(min_delta " + PaperViews.num(rule.minDelta()) + ", z " + PaperViews.num(rule.z())
                            + " x noise floor " + PaperViews.num(floor) + ") = " + PaperViews.num(threshold));
                    continue;
                }
            }
            double improvement = campaign.goal() == Goal.MAXIMIZE ? r.score() - j.incumbentScore()
                    : j.incumbentScore() - r.score();
            Label confirmed = confirmedLabel(n, j, campaign.goal(), improvement);
            Label expected = confirmed != null ? confirmed : improvement > j.keepThreshold() ? Label.KEEP : Label.DISCARD;
            if (confirmed != null && r.label() != confirmed) {
                failures.add("trial " + n + " is labelled " + r.label() + ", but its confirmation against trial "
                        + j.incumbent() + " ended " + j.confirmation().path("outcome").asText() + ": the keep rule says "
                        + confirmed);
                continue;
            }
            if (r.label() != expected) {
                failures.add("trial " + n + " is labelled " + r.label() + ", but its score " + PaperViews.num(r.score())
                        + " " + (improvement > 0 ? "improves on" : "does not beat") + " the incumbent trial "
                        + j.incumbent() + " (" + PaperViews.num(j.incumbentScore()) + ") by "
                        + PaperViews.num(Math.abs(improvement)) + " against a threshold of "
                        + PaperViews.num(j.keepThreshold()) + ": the keep rule says " + expected);
                continue;
            }
            var finished = r.timings().finishedAt();
            var since = incumbent.timings().finishedAt();
            if (!imported && finished != null) {
                // Judged under the campaign's lock: the incumbent is the last keep that finished before.
                if (since == null || since.isAfter(finished)) {
                    failures.add("trial " + n + " was judged against trial " + j.incumbent() + ", which finished after it");
                    continue;
                }
                List<Integer> newer = incumbents.stream().filter(k -> k != r && k.timings().finishedAt().isAfter(since)
                        && k.timings().finishedAt().isBefore(finished)).map(ExportRecord::number).toList();
                if (!newer.isEmpty()) {
                    failures.add("trial " + n + " was judged against trial " + j.incumbent() + ", but trial "
                            + newer.getLast() + " had become the best before trial " + n + " finished");
                    continue;
                }
            }
            checked++;
        }
        summary.add("labels: " + checked + " KEEP/DISCARD decisions follow the keep rule against the incumbent in force"
                + (unchecked > 0 ? " (" + unchecked + " imported labels not checkable: their harness kept no threshold)"
                : ""));
    }

    private void checkViews() throws IOException {
        if (records.isEmpty() && !lines.isEmpty() || campaign == null) {
            return;
        }
        PaperViews views = new PaperViews(campaign);
        StringBuilder results = new StringBuilder(views.resultsHeader());
        List<String> tails = new ArrayList<>();
        for (ExportRecord r : records) {
            views.add(r);
            results.append(views.resultsRow(r));
            tails.add(views.treeTail(r));
        }
        StringWriter tree = new StringWriter();
        views.writeTree(tails::get, tree);
        PaperViews.RecordLoader loader = records::get;
        Map<String, String> expected = Map.of("results.tsv", results.toString(), "tree.tsv", tree.toString(),
                "best.json", views.bestJson(loader), "LEADERBOARD.md", views.leaderboard(loader), "KNOWLEDGE.md",
                views.knowledge(loader, i -> views.lineageEntry(records.get(i))));
        for (String name : VIEWS) {
            if (!exists(name)) {
                failures.add(name + " is missing");
                continue;
            }
            byte[] want = expected.get(name).getBytes(StandardCharsets.UTF_8);
            byte[] have = read(name);
            if (!Arrays.equals(want, have)) {
                failures.add(firstDifference(name, new String(want, StandardCharsets.UTF_8),
                        new String(have, StandardCharsets.UTF_8)));
            }
        }
        summary.add("views: " + String.join(", ", VIEWS) + " match the records");
    }

    // ------------------------------------------------------------------ helpers

    /** The value of a canonical JSON line, or why it is not one. */
    private static JsonNode canonical(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        JsonNode node;
        try {
            if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), line)) {
                throw new IllegalArgumentException("not UTF-8");
            }
            node = CanonicalJson.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON (" + e.getMessage() + ")");
        }
        byte[] again;
        try {
            again = CanonicalJson.bytes(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not canonical JSON (" + e.getMessage() + ")");
        }
        if (!Arrays.equals(again, line)) {
            throw new IllegalArgumentException("not in RFC 8785 canonical form (members out of order, a number or"
                    + " escape written differently, or a duplicate member)");
        }
        return node;
    }

    private static String recordProblem(JsonNode r) {
        if (!r.isObject()) {
            return "a record is a JSON object";
        }
        List<String> missing = RECORD_FIELDS.stream().filter(f -> !r.has(f)).sorted().toList();
        if (!missing.isEmpty()) {
            return "missing fields: " + String.join(", ", missing);
        }
        if (!r.get("number").isIntegralNumber()) {
            return "number is not an integer";
        }
        if (!r.get("parent").isNull() && !r.get("parent").isIntegralNumber()) {
            return "parent is not an integer";
        }
        if (!r.get("label").isNull() && Arrays.stream(Label.values()).noneMatch(l -> l.name().equals(r.get("label").asText()))) {
            return "unknown label '" + r.get("label").asText() + "'";
        }
        if (Arrays.stream(dev.empiric.trial.TrialState.values()).noneMatch(s -> s.name().equals(r.get("state").asText()))) {
            return "unknown state '" + r.get("state").asText() + "'";
        }
        if (!r.get("judgement").isObject() || !JUDGEMENT_FIELDS.stream().allMatch(r.get("judgement")::has)) {
            return "judgement needs " + String.join(", ", JUDGEMENT_FIELDS);
        }
        if (!r.get("timings").isObject() || !TIMING_FIELDS.stream().allMatch(r.get("timings")::has)) {
            return "timings need " + String.join(", ", TIMING_FIELDS);
        }
        if (!r.get("metrics").isObject()) {
            return "metrics is not an object";
        }
        for (String field : List.of("submitted_at", "started_at", "finished_at")) {
            JsonNode value = r.path("timings").path(field);
            if (!value.isNull() && !value.isMissingNode() && !(value.isTextual() && TIMESTAMP.matcher(value.asText()).matches())) {
                return field + " is not a UTC timestamp with microseconds";
            }
        }
        for (String field : List.of("diff_sha256", "proposer_view_sha256", "log_sha256", "prev_sha256")) {
            if (!r.get(field).isNull() && !SHA256.matcher(r.get(field).asText()).matches()) {
                return field + " is not a sha256";
            }
        }
        for (String field : List.of("commit", "tree")) {
            if (!r.get(field).isNull() && !OBJECT_ID.matcher(r.get(field).asText()).matches()) {
                return field + " is not a git object id";
            }
        }
        if (r.get("commit").isNull() != r.get("tree").isNull()) {
            return "commit and tree go together";
        }
        for (String field : List.of("score", "score_std", "expected_delta")) {
            if (!r.get(field).isNull() && !r.get(field).isNumber()) {
                return field + " is not a number";
            }
        }
        return null;
    }

    private static ExportRecord readRecord(JsonNode node) {
        try {
            return CanonicalJson.read(node.toString(), ExportRecord.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void splitLines(byte[] data, List<byte[]> into) {
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                into.add(Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
    }

    private static String pyList(List<String> values) {
        return values.stream().map(v -> "'" + v + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /** The first difference between a view as the records give it and as found, named like verify.py names it. */
    static String firstDifference(String name, String want, String have) {
        if (name.endsWith(".tsv")) {
            List<List<String>> wantRows = splitTsv(want);
            List<List<String>> haveRows = splitTsv(have);
            List<String> header = wantRows.isEmpty() ? List.of() : wantRows.getFirst();
            for (int i = 0; i < Math.max(wantRows.size(), haveRows.size()); i++) {
                List<String> w = i < wantRows.size() ? wantRows.get(i) : null;
                List<String> h = i < haveRows.size() ? haveRows.get(i) : null;
                if (java.util.Objects.equals(w, h)) {
                    continue;
                }
                if (i == 0) {
                    return name + ": its header is not the one the records give";
                }
                if (h == null) {
                    return name + ": the row of trial " + w.getFirst() + " is missing";
                }
                if (w == null) {
                    return name + ": row " + i + " ('" + cap(h.getFirst(), 20) + "') is not one the records give";
                }
                for (int c = 0; c < Math.max(w.size(), h.size()); c++) {
                    String a = c < w.size() ? w.get(c) : "(nothing)";
                    String b = c < h.size() ? h.get(c) : "(nothing)";
                    if (!a.equals(b)) {
                        return name + ": the row of trial " + w.getFirst() + " differs from what the records give: its "
                                + (c < header.size() ? header.get(c) : "column " + c) + " is '" + cap(b, 120)
                                + "', the records give '" + cap(a, 120) + "'";
                    }
                }
            }
        }
        String[] wantLines = want.split("\n", -1);
        String[] haveLines = have.split("\n", -1);
        for (int i = 0; i < Math.max(wantLines.length, haveLines.length); i++) {
            int[] w = (i < wantLines.length ? wantLines[i] : "(nothing)").codePoints().toArray();
            int[] h = (i < haveLines.length ? haveLines[i] : "(nothing)").codePoints().toArray();
            if (!Arrays.equals(w, h)) {
                int at = Arrays.mismatch(w, h);
                int start = Math.max(0, at - 40);
                return name + " line " + (i + 1) + " differs from what the records give: expected '"
                        + new String(w, start, Math.max(0, Math.min(w.length, at + 60) - start)) + "', found '"
                        + new String(h, start, Math.max(0, Math.min(h.length, at + 60) - start)) + "'";
            }
        }
        return name + " differs from what the records give";
    }

    private static String cap(String value, int max) {
        return value.codePointCount(0, value.length()) <= max ? value
                : value.substring(0, value.offsetByCodePoints(0, max));
    }

    /** Rows of fields, undoing PaperViews.tsv quoting (a quoted field may hold tabs and line breaks). */
    private static List<List<String>> splitTsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean started = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            started = true;
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == '\t') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                row.add(field.toString());
                rows.add(row);
                row = new ArrayList<>();
                field.setLength(0);
                started = false;
            } else {
                field.append(c);
            }
        }
        if (started) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
