package dev.empiric.evaluator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.async.ResultCallbackTemplate;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.empiric.store.StoreIdentity;
import dev.empiric.trial.TrialLease;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jboss.logging.Logger;

/**
 * Runs containers the way docs/sandbox.md requires: no network, read-only root, all capabilities
 * dropped, no new privileges, an unprivileged user, pids/memory/CPU limits with no swap, a small
 * tmpfs for /tmp, an init process, and our labels. Deadlines are enforced here, from outside, with
 * SIGKILL. Container output is read through a bounded tail; files come out through tar, where
 * symbolic links are skipped rather than followed.
 *
 * <p>Stopping an attempt ({@link #stopTrial}) kills the trial's containers and refuses any it would
 * start afterwards: an attempt stopped between two containers (after its keeper, before its recipe)
 * must not go on to run the next one. The check is made again once a container has started, so a
 * container started while the trial was being stopped is killed by one side or the other.
 *
 * <p>Finished containers and their volumes are removed off the evaluator's path ({@link
 * #removeLater}): an attempt's outcome does not wait for the engine to tear its containers down.
 * Whatever such a removal fails to remove carries this server's labels and is removed by the next
 * stray sweep ({@link #removeStrays}), or at the next start ({@link #removeLeftovers}). On an engine
 * that servers of one store share, the sweep also removes what a server that stopped renewing its
 * leases left behind; nothing labelled with another store is ever touched.
 */
@ApplicationScoped
public class Sandbox {

    private static final Logger LOG = Logger.getLogger(Sandbox.class);
    static final String LABEL_PLATFORM = "empiric.platform";
    static final String LABEL_STORE = "empiric.store";
    static final String LABEL_INSTANCE = "empiric.instance";
    static final String LABEL_CAMPAIGN = "empiric.campaign";
    static final String LABEL_TRIAL = "empiric.trial";
    static final String UNPRIVILEGED_USER = "65534:65534";

    private final DockerClient docker;
    private final InstanceIdentity instance;
    private final StoreIdentity store;
    /** The {@link #trialKey}s of attempts stopped while they ran; no container of theirs may start. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    /**
     * One thread: removals run in the order they were handed over, so a volume is removed after the
     * containers of the same seed run that mount it, even when they were handed over separately.
     */
    private final ExecutorService removals = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("empiric-removals").daemon().factory());
    private final StraySightings straySightings = new StraySightings();
    /** The gates of the runs' containers that exist, by container id: each holds a connection of the engine client's. */
    private final Map<String, RunGate> gates = new ConcurrentHashMap<>();

    Sandbox(DockerClient docker, InstanceIdentity instance, StoreIdentity store) {
        this.docker = docker;
        this.instance = instance;
        this.store = store;
    }

    public record Limits(long memoryMb, double cpus, long pids) {}

    public record Volume(String name, String target, boolean readOnly) {}

    /** One container to run: a bind of {@code hostDir} (read-only) plus named volumes. */
    public record Spec(String role, String image, List<String> command, List<String> env, String workingDir,
            String hostDir, String hostDirTarget, List<Volume> volumes, Limits limits, Duration budget,
            Map<String, String> labels) {}

    public record Result(long exitCode, boolean timedOut, boolean oomKilled, double seconds, String output) {
        /** Exit 137 is SIGKILL; without our deadline behind it, the kernel's OOM killer sent it. */
        public boolean outOfMemory() {
            return !timedOut && (oomKilled || exitCode == 137);
        }
    }

    /**
     * Labels that name what a container or volume belongs to, so that a restarted server finds and
     * removes what it left behind, and a cancelled trial's containers can be killed.
     */
    public Map<String, String> labels(long campaignId, int trialNumber) {
        Map<String, String> labels = new HashMap<>();
        labels.put(LABEL_PLATFORM, "empiric");
        labels.put(LABEL_STORE, store.id());
        labels.put(LABEL_INSTANCE, instance.id());
        labels.put(LABEL_CAMPAIGN, Long.toString(campaignId));
        labels.put(LABEL_TRIAL, Integer.toString(trialNumber));
        return labels;
    }

    /** This server instance's id, as its containers are labelled with it. */
    public String instanceId() {
        return instance.id();
    }

    /**
     * A run's container ({@link #prepare}): created, perhaps started ({@link #start}), its command held
     * behind a gate ({@link RunGate}) until {@link #open}.
     */
    public record Prepared(String id, Spec spec, RunGate gate) {}

    /** A run's container started behind its gate ({@link #start}), and when the start returned. */
    public record Started(Prepared container, long startedNanos) {}

    /**
     * A run under way ({@link #open}): its deadline counts from the opening of its gate, and the time
     * it waited behind the gate since its start is taken off its seconds.
     */
    public record Running(String id, Spec spec, long openedNanos, long gateNanos) {}

    /**
     * Creates the container of a run with its command behind a gate, and attaches to the gate, so that
     * its creation and its start can overlap what comes before the run. The caller removes it ({@link
     * #removeLater}) whether it ran or not.
     */
    public Prepared prepare(Spec spec) {
        String id = create(spec, RunGate.behind(spec.command()), false);
        RunGate gate = new RunGate();
        gates.put(id, gate);
        try {
            docker.attachContainerCmd(id).withStdIn(gate).withFollowStream(true).exec(gate.attachment);
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
        return new Prepared(id, spec, gate);
    }

    /**
     * Starts a prepared container, its command still held by the gate, unless its attempt was stopped
     * ({@link AttemptStopped}).
     */
    public Started start(Prepared container) {
        try {
            start(container.id(), container.spec().labels());
        } catch (RuntimeException e) {
            container.gate().shut();
            throw e;
        }
        return new Started(container, System.nanoTime());
    }

    /**
     * Lets a started container's command run, unless its attempt was stopped meanwhile ({@link
     * AttemptStopped}). The engine ending the gate's attachment first (the container went, the engine
     * restarted) is the platform's failure, never the run's.
     */
    public Running open(Started started) {
        Prepared container = started.container();
        try {
            refuseIfStopped(container.spec().labels());
        } catch (AttemptStopped e) {
            container.gate().shut();
            throw e;
        }
        if (!container.gate().open()) {
            throw new EngineDisrupted("the Docker engine ended the " + container.spec().role()
                    + " container's attachment before it could begin");
        }
        long opened = System.nanoTime();
        return new Running(container.id(), container.spec(), opened, opened - started.startedNanos());
    }

    /**
     * Waits for a run to end or its deadline to pass (then kills it), and reads its state and the tail
     * of its output. Its seconds are the engine's, from the container's start to its end, less the
     * time it waited behind its gate as the server counted it: neither the container's start nor the
     * latency of the server's own calls is in them. The container is left for the caller to remove.
     */
    public Result finish(Running run, int outputLimitBytes) {
        long budgetLeft = run.spec().budget().toNanos() - (System.nanoTime() - run.openedNanos());
        boolean timedOut = !completedWithin(docker.waitContainerCmd(run.id()).start(), budgetLeft);
        double serversSeconds = (System.nanoTime() - run.openedNanos()) / 1e9;
        if (timedOut) {
            kill(run.id());
        }
        InspectContainerResponse.ContainerState state = awaitStopped(run.id(), Duration.ofSeconds(30));
        closeGate(run.id());
        double seconds = secondsBetween(state.getStartedAt(), state.getFinishedAt()) - run.gateNanos() / 1e9;
        if (!(seconds >= 0)) {
            seconds = serversSeconds; // the engine gave no usable times
        }
        long exitCode = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong();
        return new Result(exitCode, timedOut, Boolean.TRUE.equals(state.getOOMKilled()), seconds,
                output(run.id(), outputLimitBytes));
    }

    /** Starts a prepared container, opens its gate at once and waits for it to end ({@link #finish}). */
    public Result run(Prepared container, int outputLimitBytes) {
        return finish(open(start(container)), outputLimitBytes);
    }

    /**
     * Starts a keeper: an idle container of the recipe image, under the sandbox's rules, that holds
     * a seed run's tmpfs volumes mounted (a tmpfs volume loses its content when no container mounts
     * it): the recipe's output survives into the scoring run through it, and the server reads results
     * through it. With {@code tree}, the trial's check-out is mounted read-only at {@code treeTarget},
     * so that a cheap command on the code (the preflight) runs in it as an {@link #exec} instead of
     * costing a container of its own. It sleeps for at most {@code lifetime}, so a keeper whose server
     * died ends by itself.
     *
     * @param tree a host folder, or null when nothing will be run in the keeper
     */
    public String startKeeper(String image, String tree, String treeTarget, List<Volume> volumes, Limits limits,
            Duration lifetime, Map<String, String> labels) {
        Spec spec = new Spec("keeper", image, List.of("sleep", Long.toString(Math.max(1, lifetime.toSeconds()))),
                List.of(), "/", tree, treeTarget, volumes, limits, Duration.ZERO, labels);
        String id = create(spec, spec.command(), true);
        try {
            start(id, labels);
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
        return id;
    }

    /**
     * Starts a command in a running keeper as the unprivileged user, under the keeper's limits; {@link
     * Exec#await} waits for it to end or to its deadline, which counts from here. Docker cannot kill
     * one exec, so at the deadline the whole keeper is killed (its attempt ends there anyway).
     */
    public Exec startExec(String keeper, List<String> command, List<String> env, String workingDir, Duration budget,
            int outputLimitBytes, Map<String, String> labels) {
        refuseIfStopped(labels);
        String exec = docker.execCreateCmd(keeper).withCmd(command.toArray(String[]::new)).withEnv(env)
                .withWorkingDir(workingDir).withUser(UNPRIVILEGED_USER).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        return new Exec(keeper, exec, budget, new BoundedTail(outputLimitBytes));
    }

    /** A command running in a keeper ({@link #startExec}). */
    public final class Exec {

        private final String keeper;
        private final String id;
        private final Duration budget;
        private final BoundedTail tail;
        private final long started = System.nanoTime();
        /** When the command's output ended: its seconds do not depend on when the caller awaits it. */
        private volatile long ended;
        private final ResultCallback.Adapter<Frame> output;

        private Exec(String keeper, String id, Duration budget, BoundedTail tail) {
            this.keeper = keeper;
            this.id = id;
            this.budget = budget;
            this.tail = tail;
            this.output = docker.execStartCmd(id).exec(new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    tail.append(frame.getPayload());
                }

                @Override
                public void onComplete() {
                    ended = System.nanoTime();
                    super.onComplete();
                }
            });
        }

        /** Waits for the command to end, or kills the keeper at its deadline. The seconds are measured here. */
        public Result await() {
            long budgetLeft = budget.toNanos() - (System.nanoTime() - started);
            if (!completedWithin(output, budgetLeft)) {
                kill(keeper);
                return new Result(-1, true, false, (System.nanoTime() - started) / 1e9, tail.toString());
            }
            Long exitCode = docker.inspectExecCmd(id).exec().getExitCodeLong();
            return new Result(exitCode == null ? -1 : exitCode, false, false, (ended - started) / 1e9, tail.toString());
        }
    }

    /**
     * Whether an engine stream (a container's wait, an exec's output) ended within {@code nanos}, and
     * closes it; an interrupt counts as the deadline passing, so the caller kills what it waited for.
     */
    private static boolean completedWithin(ResultCallbackTemplate<?, ?> callback, long nanos) {
        try (callback) {
            return callback.awaitCompletion(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A volume on tmpfs: its size is a hard cap on what a run can write, and it never touches disk. */
    public String createTmpfsVolume(String name, long sizeMb, Map<String, String> labels) {
        docker.createVolumeCmd().withName(name).withDriver("local").withLabels(labels)
                .withDriverOpts(Map.of("type", "tmpfs", "device", "tmpfs",
                        "o", "size=" + sizeMb + "m,uid=65534,gid=65534,mode=0700"))
                .exec();
        return name;
    }

    public void removeVolume(String name) {
        try {
            docker.removeVolumeCmd(name).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            LOG.warnf("could not remove volume %s: %s", name, e.getMessage());
        }
    }

    /**
     * Hands containers that are done with, then the volumes they mount, to the removal thread: the
     * caller goes on at once. A removal that fails is logged, and what it left is removed as a stray.
     */
    public void removeLater(List<String> containers, List<String> volumes) {
        Runnable removal = () -> {
            containers.forEach(this::remove);
            volumes.forEach(this::removeVolume);
        };
        try {
            removals.execute(removal);
        } catch (RejectedExecutionException stopping) {
            removal.run(); // the server is stopping: the caller waits, as a clean-up that ran later might not
        }
    }

    /**
     * At shutdown, before the clean-up of leftovers: lets the removals handed over so far finish, for
     * at most {@code patience}; later ones are made by their callers. A removal still under way would
     * hold a volume that the clean-up then fails to remove (its container is not gone yet).
     */
    public void finishRemovals(Duration patience) {
        removals.shutdown();
        try {
            removals.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void remove(String containerId) {
        closeGate(containerId);
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            LOG.warnf("could not remove container %s: %s", containerId, e.getMessage());
        }
    }

    private void closeGate(String containerId) {
        RunGate gate = gates.remove(containerId);
        if (gate != null) {
            gate.close();
        }
    }

    /**
     * Whether the container stays running for {@code grace}: false as soon as it is not running, or
     * the engine cannot say (it is stopping, or gone).
     */
    public boolean keepsRunning(String containerId, Duration grace) {
        try {
            return Boolean.TRUE.equals(awaitStopped(containerId, grace).getRunning());
        } catch (RuntimeException engineCannotSay) {
            return false;
        }
    }

    /** What a keeper holds, as {@link #readKept} found it. */
    public record Kept(Optional<byte[]> result, long outputBytes) {}

    /**
     * Reads, in one archive of the keeper's folder {@code dir}, the file {@code resultFile} (a regular
     * file of at most {@code maxBytes}; a link or anything larger is refused, never followed) and the
     * total size of the regular files under {@code outputDir} (links count for nothing), both relative
     * to {@code dir}. One archive, because each costs the engine a mount of the keeper's volumes.
     */
    public Kept readKept(String containerId, String dir, String resultFile, String outputDir, int maxBytes)
            throws IOException {
        String root = Path.of(dir).getFileName() + "/"; // the archive names its entries from the folder's own name
        String resultEntry = root + resultFile;
        String outputEntries = root + outputDir + "/";
        Optional<byte[]> result = Optional.empty();
        long outputBytes = 0;
        try (InputStream raw = docker.copyArchiveFromContainerCmd(containerId, dir).exec();
                TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (!isRegularFile(entry)) {
                    continue;
                }
                if (entry.getName().equals(resultEntry)) {
                    result = entry.getSize() > maxBytes ? Optional.empty() : Optional.of(tar.readNBytes(maxBytes));
                } else if (entry.getName().startsWith(outputEntries)) {
                    outputBytes += entry.getSize();
                }
            }
        } catch (NotFoundException e) {
            return new Kept(Optional.empty(), 0);
        }
        return new Kept(result, outputBytes);
    }

    /**
     * Whether a tar entry is a regular file. Not {@link TarArchiveEntry#isFile}: that is true of links
     * and fifos too, whose entries merely carry no content.
     */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        return entry.getLinkFlag() == TarConstants.LF_NORMAL || entry.getLinkFlag() == TarConstants.LF_OLDNORM;
    }

    /**
     * Removes every container and volume this server instance left behind (after a crash): those of
     * its store, and those from before containers carried the store's id. Not another store's, whose
     * server may have been given the same instance id.
     */
    public int removeLeftovers() {
        int removed = 0;
        for (Labelled thing : listed(Map.of(LABEL_INSTANCE, instance.id()))) {
            String storeId = thing.labels().get(LABEL_STORE);
            if (storeId == null || storeId.equals(store.id())) {
                thing.remove().run();
                removed++;
            }
        }
        return removed;
    }

    /**
     * Removes the store's containers and volumes that no attempt owns: this server's that belong to
     * none of {@code busy} (trial keys, {@link #trialKey}), such as what a clean-up could not remove
     * while the engine was down, and other servers' on a shared engine whose trial is not among
     * {@code leased} (read only when another server's are found): the server that made them stopped
     * renewing its lease, so the trial was taken from it, or finished. Runs while trials are
     * evaluated, so it never touches a busy trial's, and removes only what the previous sweep found
     * stray too: an attempt that starts while this one lists (not yet among {@code busy}, or its lease
     * not yet read) and a removal under way on the removal thread (whose trial is no longer busy) are
     * both gone from the next sweep's list, instead of being raced.
     */
    public int removeStrays(Set<String> busy, Supplier<Set<TrialLease>> leased) {
        List<Labelled> listed = listed(Map.of(LABEL_STORE, store.id()));
        Set<TrialLease> leases = listed.stream().anyMatch(thing -> !instance.id().equals(thing.owner()))
                ? leased.get() : Set.of();
        List<Labelled> strays = listed.stream().filter(thing -> instance.id().equals(thing.owner())
                ? !busy.contains(trialKey(thing.labels()))
                : thing.lease().filter(leases::contains).isEmpty()).toList();
        Set<String> confirmed = straySightings.confirmed(strays.stream().map(Labelled::name).toList());
        int removed = 0;
        for (Labelled stray : strays) {
            if (confirmed.contains(stray.name())) {
                stray.remove().run();
                removed++;
            }
        }
        return removed;
    }

    /**
     * A container or a volume as the engine lists it: its id or name, its labels, and how to remove
     * it. Containers come first, so that a volume is removed after the containers that mount it.
     */
    private record Labelled(String name, Map<String, String> labels, Runnable remove) {

        String owner() {
            return labels.get(LABEL_INSTANCE);
        }

        /** The lease its maker held on its trial, unless its labels do not name one. */
        Optional<TrialLease> lease() {
            try {
                return Optional.of(new TrialLease(owner(), Long.parseLong(labels.get(LABEL_CAMPAIGN)),
                        Integer.parseInt(labels.get(LABEL_TRIAL))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private List<Labelled> listed(Map<String, String> labels) {
        List<Labelled> listed = new ArrayList<>();
        for (var container : docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
            listed.add(new Labelled(container.getId(), labelsOf(container.getLabels()), () -> remove(container.getId())));
        }
        List<String> filter = labels.entrySet().stream().map(label -> label.getKey() + "=" + label.getValue()).toList();
        var volumes = docker.listVolumesCmd().withFilter("label", filter).exec().getVolumes();
        for (var volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            listed.add(new Labelled(volume.getName(), labelsOf(volume.getLabels()), () -> removeVolume(volume.getName())));
        }
        return listed;
    }

    private static Map<String, String> labelsOf(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    /** What names one trial's containers and volumes among this server's: campaign and trial number. */
    public static String trialKey(long campaignId, int trialNumber) {
        return campaignId + "/" + trialNumber;
    }

    private static String trialKey(Map<String, String> labels) {
        return labels.get(LABEL_CAMPAIGN) + "/" + labels.get(LABEL_TRIAL);
    }

    /**
     * Stops the attempt of a trial that this server is evaluating (it was cancelled, or taken over):
     * kills its containers and refuses new ones until {@link #releaseTrial}. Returns false, killing
     * nothing, when the trial was stopped already.
     */
    public boolean stopTrial(long campaignId, int trialNumber) {
        if (!stopped.add(trialKey(campaignId, trialNumber))) {
            return false;
        }
        killTrial(campaignId, trialNumber);
        return true;
    }

    /** The trial's attempt has ended: a later attempt of it here may start containers again. */
    public void releaseTrial(long campaignId, int trialNumber) {
        stopped.remove(trialKey(campaignId, trialNumber));
    }

    private void start(String id, Map<String, String> labels) {
        refuseIfStopped(labels);
        docker.startContainerCmd(id).exec();
        try {
            refuseIfStopped(labels);
        } catch (AttemptStopped e) {
            kill(id); // stopped while it started, perhaps after stopTrial listed the trial's containers
            throw e;
        }
    }

    private void refuseIfStopped(Map<String, String> labels) {
        if (stopped.contains(trialKey(labels))) {
            throw new AttemptStopped("trial " + trialKey(labels) + " was stopped: no container of its attempt may start");
        }
    }

    /** Kills every running container of one trial. */
    private void killTrial(long campaignId, int trialNumber) {
        docker.listContainersCmd().withLabelFilter(Map.of(LABEL_INSTANCE, instance.id(),
                LABEL_CAMPAIGN, Long.toString(campaignId), LABEL_TRIAL, Integer.toString(trialNumber)))
                .exec().forEach(container -> kill(container.getId()));
    }

    public boolean ping() {
        try {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String create(Spec spec, List<String> command, boolean keeper) {
        List<Mount> mounts = new ArrayList<>();
        if (spec.hostDir() != null) {
            mounts.add(new Mount().withType(MountType.BIND).withSource(spec.hostDir()).withTarget(spec.hostDirTarget())
                    .withReadOnly(true));
        }
        for (Volume volume : spec.volumes()) {
            mounts.add(new Mount().withType(MountType.VOLUME).withSource(volume.name()).withTarget(volume.target())
                    .withReadOnly(volume.readOnly()));
        }
        long memory = spec.limits().memoryMb() * 1024 * 1024;
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withReadonlyRootfs(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withPidsLimit(spec.limits().pids())
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs((long) (spec.limits().cpus() * 1e9))
                .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=64m"))
                .withInit(true)
                .withMounts(mounts)
                // Docker keeps at most this much of what a container prints: a flood cannot fill the disk.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "1m", "max-file", "1")));
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put("empiric.role", spec.role());
        return docker.createContainerCmd(spec.image())
                .withCmd(command)
                .withEnv(spec.env())
                .withWorkingDir(spec.workingDir())
                .withUser(UNPRIVILEGED_USER)
                .withLabels(labels)
                .withNetworkDisabled(true)
                .withHostConfig(host)
                .withAttachStdout(!keeper)
                .withAttachStderr(!keeper)
                // a run's gate reads its standard input, which closes when the server's attachment ends
                .withStdinOpen(!keeper)
                .withStdInOnce(!keeper)
                .withAttachStdin(!keeper)
                .exec()
                .getId();
    }

    private void kill(String id) {
        try {
            docker.killContainerCmd(id).withSignal("SIGKILL").exec();
        } catch (RuntimeException e) {
            // it may have exited between the deadline and the kill
            LOG.debugf("kill %s: %s", id, e.getMessage());
        }
    }

    /** The container's state once it stopped, or as it is when {@code patience} ran out. */
    private InspectContainerResponse.ContainerState awaitStopped(String id, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning()) || Instant.now().isAfter(deadline)) {
                return state;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return state;
            }
        }
    }

    private String output(String id, int limitBytes) {
        BoundedTail tail = new BoundedTail(limitBytes);
        try (ResultCallback.Adapter<Frame> callback = docker.logContainerCmd(id).withStdOut(true).withStdErr(true)
                .withFollowStream(false).exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        tail.append(frame.getPayload());
                    }
                })) {
            callback.awaitCompletion(20, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            return "[output could not be read: " + e.getMessage() + "]";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tail.toString();
    }

    private static double secondsBetween(String started, String finished) {
        try {
            return Duration.between(Instant.parse(started), Instant.parse(finished)).toNanos() / 1e9;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
