package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.empiric.Json;
import dev.empiric.Sha256;
import dev.empiric.campaign.Budgets;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.campaign.EventLog;
import dev.empiric.environment.EnvironmentCatalog;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.support.Diffs;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.GitTrialStores;
import dev.empiric.trial.KeepRule;
import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A small campaign on the bundled digits environment, made the way the server makes one: the
 * server's {@link GitTrialStore} commits every accepted diff onto its parent in a real repository,
 * the real {@link KeepRule} labels every scored trial against the incumbent under the threshold
 * {@link Budgets} resolves, and the event log records the life of each trial in the server's own
 * format and hash chain ({@link EventLog#hash}). It has a baseline, keeps, discards (one judged
 * within the noise, one finishing after a later trial was kept), a crash, an illegal edit that never
 * became a commit, an infrastructure error retried into a keep, a timeout, and hostile text (line
 * breaks, tabs, quotes, pipes, an emoji, a spreadsheet formula) in hypotheses.
 */
final class ExportFixture implements AutoCloseable {

    static final long CAMPAIGN = 1;
    static final double NOISE_FLOOR = 0.004;
    static final String HOSTILE_HYPOTHESIS = "Wider hidden layer | 64 <b>units</b> & more\n\tsecond line with \"quotes\", a pipe |"
            + " and an emoji \ud83d\ude00 \u2014 then a long tail that goes on and on so that every view has to cut it"
            + " somewhere past one hundred and twenty code points";

    final Path root;
    final GitTrialStore store;
    final Repository repository;
    final SigningKey key;
    final EnvironmentSpec spec;
    final double threshold;
    final ExportCampaign campaign;
    final List<TrialExport> trials = new ArrayList<>();
    final Map<String, String> views = new LinkedHashMap<>();
    private final List<Happening> happenings = new ArrayList<>();
    private final Map<Integer, String> commits = new HashMap<>();
    private final Instant start = Instant.parse("2026-11-20T10:00:00.123456789Z");

    /** Something the log records, before it is numbered and chained. */
    private record Happening(Instant at, String type, Integer trial, String actor, Map<String, Object> payload) {}

    ExportFixture(Path root) {
        this.root = root;
        this.store = GitTrialStores.inDataDir(root.resolve("data"));
        this.key = SigningKey.loadOrCreate(root.resolve("data/keys"));
        try {
            this.spec = EnvironmentCatalog.load(Path.of("environments/digits")).spec();
        } catch (EnvironmentCatalog.InvalidEnvironment e) {
            throw new IllegalStateException(e);
        }
        Budgets budgets = Budgets.of(spec, CampaignSettings.none());
        this.threshold = budgets.keepThreshold(NOISE_FLOOR);
        this.campaign = new ExportCampaign(CAMPAIGN, "export fixture", spec.name(), "0123456789abcdef",
                spec.metric().name(), spec.metric().goal(),
                new ExportCampaign.KeepRule(budgets.minDelta(), budgets.z()), null);
        commits.put(0, store.initialise(CAMPAIGN, Path.of("environments/digits/recipe"),
                "Trial 0: the starting recipe of environment digits"));
        try {
            this.repository = new FileRepositoryBuilder().setGitDir(store.repositoryPath(CAMPAIGN).toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        build();
    }

    private void build() {
        happen(start.minusSeconds(120), "campaign.created", null, "api", EventLog.payload("name", campaign.name(),
                "environment", "digits"));
        scored(0, null, "baseline", "the starting recipe of environment digits", null, null, 0.90, null, 1, 0, 1);
        scored(1, 0, "opt", "Raise the learning rate tenfold: SGD at 0.01 is far too slow for ten epochs",
                "LEARNING_RATE = 0.01", "LEARNING_RATE = 0.1", 0.93, 0, 1, 1, 2);
        scored(2, 1, "arch", HOSTILE_HYPOTHESIS, "HIDDEN_UNITS = 32", "HIDDEN_UNITS = 64", 0.935, 1, 1, 2, 3);
        ran(3, 1, "sched", "Five hundred epochs", "EPOCHS = 10", "EPOCHS = 500", Label.CRASH,
                "the recipe exited with status 1", 1, 3, 4, "Traceback (most recent call last):\nMemoryError\n");
        illegal(4, 1, "reg", "Also tune the scorer", 5);
        scored(5, 1, "opt", "Add momentum 0.9 on top of the faster learning rate", "MOMENTUM = 0.0", "MOMENTUM = 0.9",
                0.95, 1, 2, 6, 9);
        // 6 is proposed before 7 but finishes after it: it is judged against 7, the incumbent by then.
        scored(7, 5, "combiner", "Combine momentum with the relu activation", "ACTIVATION = \"tanh\"",
                "ACTIVATION = \"relu\"", 0.97, 5, 1, 8, 10);
        scored(6, 5, "arch", "Halve the batch size", "BATCH_SIZE = 64", "BATCH_SIZE = 32", 0.94, 7, 1, 7, 12);
        ran(8, 7, "sched", "Two hundred epochs with a cosine schedule", "EPOCHS = 10", "EPOCHS = 200",
                Label.RECIPE_TIMEOUT, "the recipe ran past its 60 s budget and was killed", 1, 13, 15, "epoch 1\n");
        scored(9, 7, "opt", "=HYPERLINK(\"http://attacker.invalid\") lower the learning rate a little",
                "LEARNING_RATE = 0.1", "LEARNING_RATE = 0.09", 0.975, 7, 1, 14, 16);
        happen(at(17), "runner.ended", null, "runner:1", EventLog.payload("run", 1, "reason", "MAX_TRIALS"));
        trials.sort(Comparator.comparingInt(t -> t.record().number()));
        assertEquals(List.of(Label.BASELINE, Label.KEEP, Label.DISCARD, Label.CRASH, Label.ILLEGAL_EDIT, Label.KEEP,
                Label.DISCARD, Label.KEEP, Label.RECIPE_TIMEOUT, Label.DISCARD),
                trials.stream().map(t -> t.record().label()).toList(), "the keep rule labelled the fixture as planned");
        assertEquals(0.008, threshold, 1e-15);
    }

    /** A trial that ran and was scored; KEEP or DISCARD is the real keep rule's decision. */
    private void scored(int number, Integer parent, String specialist, String hypothesis, String find, String replace,
            double score, Integer incumbent, int attempts, int submittedMinute, int finishedMinute) {
        String diff = parent == null ? null : diff(parent, find, replace);
        String commit = parent == null ? commits.get(0) : commit(number, parent, specialist, hypothesis, diff);
        Label label;
        String reason;
        Double incumbentScore = incumbent == null ? null : score(incumbent);
        if (incumbent == null) {
            label = Label.BASELINE;
            reason = "baseline measured on 3 seed sets; noise floor " + NOISE_FLOOR;
        } else {
            // the fixture's campaign confirms nothing on fresh seeds: the rule alone decides
            KeepRule.Judgement judgement = KeepRule.judge(spec.metric().goal(), score, incumbentScore, threshold, 0.0,
                    false);
            label = judgement.outcome().label();
            reason = judgement.note();
        }
        ExportRecord.Judgement judgement = new ExportRecord.Judgement(incumbent, incumbentScore, NOISE_FLOOR, threshold);
        Instant submitted = at(submittedMinute);
        Instant finished = at(finishedMinute);
        Instant started = attempts > 1 ? at(finishedMinute).minusSeconds(40) : submitted.plusSeconds(3);
        ExportRecord record = new ExportRecord(number, parent, specialist, hypothesis, parent == null ? null : 0.01,
                null, commit, null, TrialState.FINISHED, label, null, reason, score, 0.001,
                Map.of("accuracy", score, "accuracy_std", 0.001, "train_seconds", 2.5 + number / 10.0), 20_480L + number,
                judgement, new ExportRecord.Timings(submitted, started, finished, 2.5 + number / 10.0, 0.42), attempts,
                view(number, specialist), null, null);
        String log = "=== recipe, seed 0\nepoch 1 loss 2.30\nepoch 10 loss 0.31\n=== scoring\naccuracy " + score + "\n";
        submittedEvent(number, specialist, parent, diff, commit, submitted);
        if (attempts > 1) {
            log = "=== attempt 1: docker: no space left on device\n" + log;
            happen(submitted.plusSeconds(3), "trial.started", number, "server", EventLog.payload("attempt", 1));
            happen(submitted.plusSeconds(4), "trial.attempt_failed", number, "server", EventLog.payload("attempt", 1,
                    "reason", "docker: no space left on device", "retryAt", submitted.plusSeconds(9).toString()));
        }
        trials.add(new TrialExport(record, diff, log));
        happen(started.plusMillis(1), "trial.started", number, "server", EventLog.payload("attempt", attempts));
        happen(finished, "trial.finished", number, "server", EventLog.payload("label", label, "score", score,
                "attempts", attempts, "judgedAgainst", incumbent, "keepThreshold", threshold, "reason", reason));
        if (label == Label.KEEP || label == Label.BASELINE) {
            happen(finished.plusMillis(1), "best.changed", number, "server", EventLog.payload("score", score));
        }
    }

    /** A trial that ran and failed: a commit, a log, no score. */
    private void ran(int number, int parent, String specialist, String hypothesis, String find, String replace,
            Label label, String reason, int attempts, int submittedMinute, int finishedMinute, String log) {
        String diff = diff(parent, find, replace);
        String commit = commit(number, parent, specialist, hypothesis, diff);
        Instant submitted = at(submittedMinute);
        Instant finished = at(finishedMinute);
        ExportRecord record = new ExportRecord(number, parent, specialist, hypothesis, 0.005, null, commit, null,
                TrialState.FINISHED, label, null, reason, null, null, null, null,
                new ExportRecord.Judgement(null, null, NOISE_FLOOR, threshold),
                new ExportRecord.Timings(submitted, submitted.plusSeconds(3), finished, 59.9, null), attempts,
                view(number, specialist), null, null);
        trials.add(new TrialExport(record, diff, log));
        submittedEvent(number, specialist, parent, diff, commit, submitted);
        happen(submitted.plusSeconds(4), "trial.started", number, "server", EventLog.payload("attempt", 1));
        happen(finished, "trial.finished", number, "server", EventLog.payload("label", label, "attempts", attempts,
                "reason", reason));
    }

    /** A diff that touches a file outside the editable set: refused at submission, never committed. */
    private void illegal(int number, int parent, String specialist, String hypothesis, int minute) {
        String diff = Diffs.between("../scorer/score.py", "print(0)\n", "print(1)\n");
        Instant submitted = at(minute);
        String reason = "the diff touches ../scorer/score.py, outside the editable set [train.py]";
        ExportRecord record = new ExportRecord(number, parent, specialist, hypothesis, null, null, null, null,
                TrialState.FINISHED, Label.ILLEGAL_EDIT, null, reason, null, null, null, null, null,
                new ExportRecord.Timings(submitted, null, submitted, null, null), 0, view(number, specialist), null,
                null);
        trials.add(new TrialExport(record, diff, TrialLog.NONE));
        happen(submitted, "trial.rejected", number, "runner:1", EventLog.payload("specialist", specialist, "parent",
                parent, "diffSha256", Sha256.hex(diff), "label", Label.ILLEGAL_EDIT, "reason", reason));
    }

    private void submittedEvent(int number, String specialist, Integer parent, String diff, String commit,
            Instant submitted) {
        if (number == 0) {
            happen(submitted.minusSeconds(1), "runner.started", null, "api", EventLog.payload("run", 1, "maxTrials", 10));
        }
        happen(submitted, "trial.submitted", number, number == 0 ? "api" : "runner:1", EventLog.payload("specialist",
                specialist, "parent", parent, "diffSha256", diff == null ? null : Sha256.hex(diff), "commit", commit));
    }

    private void happen(Instant at, String type, Integer trial, String actor, Map<String, Object> payload) {
        happenings.add(new Happening(at, type, trial, actor, payload));
    }

    /**
     * Every proposal of the runner records what its proposer was shown; 6 and 7 saw the same view.
     * Returns the view's hash, as the trial stores it.
     */
    private String view(int number, String specialist) {
        if (number == 0) {
            return null;
        }
        boolean shared = number == 6 || number == 7;
        String text = "# Lineage view\n\nYou are specialist **" + (shared ? "arch or combiner" : specialist)
                + "**; the campaign is at trial " + (shared ? 5 : number - 1) + ".\n";
        String hash = Sha256.hex(text);
        views.put(hash, text);
        return hash;
    }

    private String diff(int parent, String find, String replace) {
        String before = store.readFile(CAMPAIGN, commits.get(parent), "train.py");
        if (!before.contains(find)) {
            throw new IllegalArgumentException("trial " + parent + "'s train.py has no '" + find + "'");
        }
        return Diffs.between("train.py", before, before.replace(find, replace));
    }

    private String commit(int number, int parent, String specialist, String hypothesis, String diff) {
        try {
            String commit = store.commitTrial(CAMPAIGN, commits.get(parent), GitTrialStore.parse(diff), number,
                    specialist, "Trial " + number + ": " + hypothesis.lines().findFirst().orElse(""));
            commits.put(number, commit);
            return commit;
        } catch (dev.empiric.trial.EditRejected e) {
            throw new IllegalStateException(e);
        }
    }

    private double score(int number) {
        return trials.stream().filter(t -> t.record().number() == number).findFirst().orElseThrow().record().score();
    }

    private Instant at(int minute) {
        return start.plus(Duration.ofMinutes(minute));
    }

    /** The log as the server's EventLog would have stored it: in time order, numbered, each hashed onto the last. */
    List<EventRecord> events() {
        List<Happening> sorted = new ArrayList<>(happenings);
        sorted.sort(Comparator.comparing(Happening::at));
        List<EventRecord> log = new ArrayList<>();
        String previous = EventLog.GENESIS;
        for (int i = 0; i < sorted.size(); i++) {
            Happening h = sorted.get(i);
            String at = EventLog.formatAt(h.at());
            String payload = Json.write(new TreeMap<>(h.payload()));
            String hash = EventLog.hash(previous, i + 1, h.type(), h.trial(), h.actor(), at, payload);
            log.add(new EventRecord(i + 1, h.type(), h.trial(), h.actor(), at, payload, previous, hash));
            previous = hash;
        }
        return log;
    }

    List<ShownView> shownViews() {
        return views.entrySet().stream().map(e -> new ShownView(e.getKey(), e.getValue())).toList();
    }

    ExportSource source() {
        return new ExportSource() {
            @Override
            public ExportCampaign campaign() {
                return campaign;
            }

            @Override
            public Stream<TrialExport> trials() {
                return trials.stream();
            }

            @Override
            public Stream<EventRecord> events() {
                return ExportFixture.this.events().stream();
            }

            @Override
            public Stream<ShownView> views() {
                return shownViews().stream();
            }
        };
    }

    /** The fixture's source with its event log, trials and views passed through the given changes. */
    ExportSource source(UnaryOperator<Stream<EventRecord>> events, UnaryOperator<Stream<TrialExport>> trials,
            UnaryOperator<Stream<ShownView>> views) {
        ExportSource plain = source();
        return new ExportSource() {
            @Override
            public ExportCampaign campaign() {
                return plain.campaign();
            }

            @Override
            public Stream<TrialExport> trials() {
                return trials.apply(plain.trials());
            }

            @Override
            public Stream<EventRecord> events() {
                return events.apply(plain.events());
            }

            @Override
            public Stream<ShownView> views() {
                return views.apply(plain.views());
            }
        };
    }

    @Override
    public void close() {
        repository.close();
        GitTrialStores.close(store);
    }
}
