package dev.empiric.trial;

import dev.empiric.EmpiricConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.patch.PatchApplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Trials as git commits: one bare repository per campaign, each trial a commit whose parent is its
 * parent trial's commit, under {@code refs/trials/<number>}; {@code refs/heads/best} follows the
 * incumbent. Diffs are applied in memory with JGit, never through a shell or a working tree.
 */
@ApplicationScoped
public class GitTrialStore {

    /** Where each trial's commit is kept: the export's bundle carries the same names, and its verifier reads them. */
    public static final String TRIAL_REFS = "refs/trials/";

    private static final PersonIdent SERVER = new PersonIdent("Empiric", "server@empiric.invalid");
    private final Path root;
    private final Map<Long, Repository> open = new ConcurrentHashMap<>();
    /** Per campaign: exports read (shared), packing writes (exclusive). */
    private final Map<Long, ReadWriteLock> maintenance = new ConcurrentHashMap<>();

    GitTrialStore(EmpiricConfig config) {
        this.root = config.dataDir().resolve("repos").toAbsolutePath();
    }

    /** The ref of trial {@code number}'s commit (the baseline's is trial 0). */
    public static String trialRef(int number) {
        return TRIAL_REFS + number;
    }

    public Path root() {
        return root;
    }

    public Path repositoryPath(long campaignId) {
        return root.resolve("campaign-" + campaignId + ".git");
    }

    /** Creates the campaign's repository with the starting recipe as its first commit (trial 0). */
    public String initialise(long campaignId, Path recipeDir, String message) {
        Path path = repositoryPath(campaignId);
        try {
            Files.createDirectories(root);
            Repository repository = new FileRepository(path.toFile());
            repository.create(true);
            open.put(campaignId, repository);
            try (ObjectInserter inserter = repository.newObjectInserter()) {
                ObjectId tree = insertTree(inserter, recipeDir);
                ObjectId commit = insertCommit(inserter, tree, null, SERVER, message);
                inserter.flush();
                setRef(repository, trialRef(0), commit);
                setRef(repository, "refs/heads/best", commit);
                repository.updateRef(Constants.HEAD).link("refs/heads/best");
                return commit.name();
            }
        } catch (IOException e) {
            throw new TrialStoreUnavailable("could not create the repository for campaign " + campaignId, e);
        }
    }

    /**
     * Applies {@code patch} onto {@code parentCommit} and commits the result under the trial's ref.
     * The caller has already checked the patch against the environment's {@link DiffPolicy}. A patch
     * that does not apply is the agent's doing ({@link EditRejected}, INVALID_PATCH); JGit reports those
     * as errors in its result. Any exception is the store's doing (a missing object, a full disk) and
     * is never blamed on the agent ({@link TrialStoreUnavailable}).
     */
    public String commitTrial(long campaignId, String parentCommit, Patch patch, int number, String author,
            String message) throws EditRejected {
        try (ObjectInserter inserter = repository(campaignId).newObjectInserter();
                RevWalk walk = new RevWalk(repository(campaignId))) {
            RevCommit parent = walk.parseCommit(ObjectId.fromString(parentCommit));
            PatchApplier.Result result = apply(new PatchApplier(repository(campaignId), parent.getTree(), inserter),
                    patch);
            if (!result.getErrors().isEmpty()) {
                throw new EditRejected(Label.INVALID_PATCH, "the diff does not apply to the trial's parent: "
                        + result.getErrors().stream().map(Object::toString).distinct().limit(5).toList());
            }
            if (result.getTreeId().equals(parent.getTree())) {
                throw new EditRejected(Label.INVALID_PATCH, "the diff changes nothing");
            }
            PersonIdent agent = new PersonIdent(author, author + "@agents.empiric.invalid", Instant.now(), ZoneOffset.UTC);
            ObjectId commit = insertCommit(inserter, result.getTreeId(), parent, agent, message);
            inserter.flush();
            setRef(repository(campaignId), trialRef(number), commit);
            return commit.name();
        } catch (IOException | RuntimeException e) {
            // Reading the parent, inserting objects, moving the ref: all the repository's doing.
            throw new TrialStoreUnavailable("the trial store of campaign " + campaignId + " failed while committing"
                    + " trial " + number + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** JGit's runtime exceptions while applying come from the patch's content (say, corrupt binary data). */
    private static PatchApplier.Result apply(PatchApplier applier, Patch patch) throws IOException, EditRejected {
        try {
            return applier.applyPatch(patch);
        } catch (RuntimeException e) {
            throw new EditRejected(Label.INVALID_PATCH, "the diff could not be applied: " + e.getMessage());
        }
    }

    public void markBest(long campaignId, String commit) {
        try {
            setRef(repository(campaignId), "refs/heads/best", ObjectId.fromString(commit));
        } catch (IOException e) {
            throw new TrialStoreUnavailable("could not move refs/heads/best of campaign " + campaignId, e);
        }
    }

    /** Writes the commit's files into {@code target}: regular files only, never links, never outside it. */
    public void checkout(long campaignId, String commit, Path target) {
        try {
            RecipeFiles.writeInto(files(campaignId, commit), target);
        } catch (IOException e) {
            throw new TrialStoreUnavailable("could not check out " + commit + " into " + target + ": " + e.getMessage(), e);
        }
    }

    /** Every file of the commit by path, for check-outs and for specialists that read the recipe. */
    public Map<String, byte[]> files(long campaignId, String commit) {
        Repository repository = repository(campaignId);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository);
                ObjectReader reader = repository.newObjectReader()) {
            tree.addTree(walk.parseCommit(ObjectId.fromString(commit)).getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                FileMode mode = tree.getFileMode(0);
                if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                    throw new IllegalStateException("commit " + commit + " holds a non-regular file: " + tree.getPathString());
                }
                files.put(tree.getPathString(), reader.open(tree.getObjectId(0)).getBytes());
            }
            return files;
        } catch (IOException e) {
            throw new TrialStoreUnavailable("could not read commit " + commit + " of campaign " + campaignId, e);
        }
    }

    public String readFile(long campaignId, String commit, String path) {
        byte[] content = files(campaignId, commit).get(path);
        return content == null ? null : new String(content, StandardCharsets.UTF_8);
    }

    /** Parses a unified diff; a body with no file changes is not a diff. */
    public static Patch parse(String diff) {
        Patch patch = new Patch();
        try {
            patch.parse(new ByteArrayInputStream(diff.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return patch;
    }

    /** Work that reads a campaign's whole repository (an export's bundle) and must not overlap a repack. */
    public interface RepositoryRead<T> {
        T read(Repository repository) throws IOException;
    }

    /**
     * Runs {@code work} on the campaign's repository while no {@link #pack} of it runs. Commits may
     * go on meanwhile: they only add objects and move refs.
     */
    public <T> T read(long campaignId, RepositoryRead<T> work) throws IOException {
        ReadWriteLock lock = maintenance.computeIfAbsent(campaignId, id -> new ReentrantReadWriteLock());
        lock.readLock().lock();
        try {
            return work.read(repository(campaignId));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Packs the campaign's objects: every commit of a trial writes its objects loose (a commit, a
     * tree or two, a blob), so a long campaign holds tens of thousands of small files, which every
     * whole-repository read (an export's bundle) must open and inflate one by one. A pack holds them
     * delta-compressed in one file and lets a bundle copy them as they are. Loose objects that are
     * not yet referenced (a commit being made right now) are left alone, so packing may run while
     * trials are submitted.
     *
     * @return how many loose objects the pack replaced
     */
    public long pack(long campaignId) {
        ReadWriteLock lock = maintenance.computeIfAbsent(campaignId, id -> new ReentrantReadWriteLock());
        lock.writeLock().lock();
        try {
            return repack((FileRepository) repository(campaignId));
        } catch (IOException e) {
            throw new TrialStoreUnavailable("could not pack the repository of campaign " + campaignId, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Packs {@code repository}'s loose objects into one pack and drops them; returns how many there were. */
    public static long repack(FileRepository repository) throws IOException {
        GC gc = new GC(repository);
        long loose = gc.getStatistics().numberOfLooseObjects;
        gc.repack();
        gc.prunePacked();
        return loose;
    }

    public boolean isHealthy() {
        return Files.isDirectory(root) ? Files.isWritable(root) : Files.isWritable(root.getParent());
    }

    private Repository repository(long campaignId) {
        return open.computeIfAbsent(campaignId, id -> {
            Path path = repositoryPath(id);
            if (!Files.isDirectory(path)) {
                throw new TrialStoreUnavailable("campaign " + id + " has no repository at " + path, null);
            }
            try {
                return new FileRepository(path.toFile());
            } catch (IOException e) {
                throw new TrialStoreUnavailable("cannot open the repository of campaign " + id, e);
            }
        });
    }

    private static ObjectId insertTree(ObjectInserter inserter, Path dir) throws IOException {
        TreeFormatter tree = new TreeFormatter();
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            // git orders tree entries by name, with directories compared as if they ended in '/'.
            entries = list.sorted((a, b) -> gitName(a).compareTo(gitName(b))).toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (Files.isSymbolicLink(entry)) {
                throw new IOException("the starting recipe may not contain symlinks: " + entry);
            } else if (Files.isDirectory(entry)) {
                if (name.equals("__pycache__")) {
                    continue;
                }
                tree.append(name, FileMode.TREE, insertTree(inserter, entry));
            } else {
                FileMode mode = Files.isExecutable(entry) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
                tree.append(name, mode, inserter.insert(Constants.OBJ_BLOB, Files.readAllBytes(entry)));
            }
        }
        return inserter.insert(tree);
    }

    private static String gitName(Path path) {
        return path.getFileName().toString() + (Files.isDirectory(path) ? "/" : "");
    }

    private static ObjectId insertCommit(ObjectInserter inserter, ObjectId tree, RevCommit parent, PersonIdent author,
            String message) throws IOException {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        if (parent != null) {
            commit.setParentId(parent);
        }
        commit.setAuthor(author);
        commit.setCommitter(new PersonIdent(SERVER, Instant.now(), ZoneOffset.UTC));
        commit.setMessage(message);
        return inserter.insert(commit);
    }

    private static void setRef(Repository repository, String name, ObjectId id) throws IOException {
        RefUpdate update = repository.updateRef(name);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result == RefUpdate.Result.LOCK_FAILURE || result == RefUpdate.Result.IO_FAILURE
                || result == RefUpdate.Result.REJECTED) {
            throw new IOException("could not update " + name + ": " + result);
        }
    }

    @PreDestroy
    void close() {
        open.values().forEach(Repository::close);
    }
}
