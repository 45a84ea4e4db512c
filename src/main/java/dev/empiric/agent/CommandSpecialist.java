package dev.empiric.agent;

import dev.empiric.FileTrees;
import dev.empiric.campaign.CommandConfig;
import dev.empiric.trial.RecipeTree;
import dev.empiric.trial.DiffPolicy;
import dev.empiric.trial.RecipeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A specialist that is a program: a coding-agent CLI or a script, run (argv, no shell) in a scratch
 * checkout of the current best with {@code TASK.md} (the brief) and {@code LINEAGE.md} (the lineage
 * view) beside the recipe. It edits files in place and may write {@code HYPOTHESIS.txt}. The platform
 * takes the diff of the editable files that existed in the parent and ignores everything else it
 * wrote; the diff then goes through the same submission path and diff policy as any other. At its
 * deadline the command and every process it started are killed.
 */
public final class CommandSpecialist implements Specialist {

    static final String HYPOTHESIS_FILE = "HYPOTHESIS.txt";
    private static final int MAX_HYPOTHESIS = 1000;
    private static final int OUTPUT_TAIL = 400;

    private final CommandConfig config;

    public CommandSpecialist(CommandConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Optional<Proposal> propose(ProposalContext context) {
        Path scratch = null;
        Path output = null;
        try {
            scratch = Files.createTempDirectory("empiric-" + name() + "-");
            output = Files.createTempFile("empiric-" + name() + "-", ".log");
            RecipeTree parent = context.bestTree();
            RecipeFiles.writeInto(parent.files(), scratch);
            Files.writeString(scratch.resolve("TASK.md"), task(context));
            Files.writeString(scratch.resolve("LINEAGE.md"), context.lineageMarkdown());
            run(scratch, output);
            RecipeTree edited = read(scratch, parent, DiffPolicy.of(context.spec()));
            if (edited.hash().equals(parent.hash()) || context.measured(edited)) {
                return Optional.empty();
            }
            return Optional.of(new Proposal(hypothesis(scratch, parent, edited), edited.diffFrom(parent),
                    context.history().bestNumber(), name()));
        } catch (IOException e) {
            throw new ProposalFailed("the scratch checkout failed: " + e.getMessage());
        } finally {
            FileTrees.delete(scratch);
            FileTrees.delete(output);
        }
    }

    private String task(ProposalContext context) {
        return ProposerBrief.of(name(), context.spec(), config.surface(),
                context.pinnedKnowledge()) + """

                ## How to answer
                This directory is a checkout of the current best recipe. LINEAGE.md holds what has been measured so far.
                Edit the recipe's files in place (only existing files matching the editable paths count), and write
                one sentence, what you changed and why, to HYPOTHESIS.txt. Do not run the training: the platform
                measures the edit.
                """;
    }

    private void run(Path scratch, Path output) throws IOException {
        Process process = new ProcessBuilder(config.command()).directory(scratch.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(config.secondsOrDefault(), TimeUnit.SECONDS)) {
                kill(process);
                throw new ProposalFailed("the command ran past its limit of " + config.secondsOrDefault()
                        + " s and was killed");
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ProposalFailed("interrupted while the command ran");
        }
        if (process.exitValue() != 0) {
            String log = Files.readString(output, StandardCharsets.UTF_8);
            throw new ProposalFailed("the command exited with status " + process.exitValue() + ": "
                    + log.substring(Math.max(0, log.length() - OUTPUT_TAIL)).strip());
        }
    }

    /** Kills the whole tree: descendants are listed first, since they are re-parented once the command dies. */
    private static void kill(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The parent's tree with the new content of every editable file the command changed. */
    private static RecipeTree read(Path scratch, RecipeTree parent, DiffPolicy policy) throws IOException {
        Map<String, byte[]> files = new TreeMap<>(parent.files());
        for (String path : parent.files().keySet()) {
            Path file = scratch.resolve(path);
            if (policy.allows(path) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                files.put(path, Files.readAllBytes(file));
            }
        }
        return new RecipeTree(files);
    }

    private String hypothesis(Path scratch, RecipeTree parent, RecipeTree edited) throws IOException {
        Path file = scratch.resolve(HYPOTHESIS_FILE);
        String written = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
        if (!written.isEmpty()) {
            return written.length() > MAX_HYPOTHESIS ? written.substring(0, MAX_HYPOTHESIS) : written;
        }
        List<String> changed = edited.files().keySet().stream()
                .filter(path -> !Arrays.equals(parent.files().get(path), edited.files().get(path))).toList();
        return "command '" + name() + "' edited " + String.join(", ", changed) + " (it wrote no " + HYPOTHESIS_FILE + ")";
    }
}
