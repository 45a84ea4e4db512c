package dev.empiric.trial;

import dev.empiric.campaign.EventLog;
import dev.empiric.campaign.EventType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Keeps the campaign repositories packed in the background ({@link GitTrialStore#pack}): after every
 * {@value #COMMITS_PER_PACK} committed trials of a campaign, one background thread packs its
 * repository, so that an export's bundle copies packed objects instead of reading tens of thousands
 * of loose ones, and the file count of the data directory stays small. Counts start again at a
 * restart; a campaign is then packed {@value #COMMITS_PER_PACK} trials later, which costs nothing
 * but some speed meanwhile.
 */
@ApplicationScoped
public class RepositoryPacker {

    private static final Logger LOG = Logger.getLogger(RepositoryPacker.class);
    static final int COMMITS_PER_PACK = 500;

    private final GitTrialStore store;
    private final Map<Long, AtomicInteger> commitsSincePack = new ConcurrentHashMap<>();
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService packer = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "empiric-repository-packer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
    });

    RepositoryPacker(GitTrialStore store) {
        this.store = store;
    }

    void onEvent(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventLog.Appended event) {
        if (!EventType.TRIAL_SUBMITTED.wireName().equals(event.type())) {
            return;
        }
        int commits = commitsSincePack.computeIfAbsent(event.campaignId(), id -> new AtomicInteger()).incrementAndGet();
        if (commits >= COMMITS_PER_PACK && pending.add(event.campaignId())) {
            commitsSincePack.get(event.campaignId()).set(0);
            packer.execute(() -> pack(event.campaignId()));
        }
    }

    private void pack(long campaignId) {
        try {
            long started = System.nanoTime();
            long loose = store.pack(campaignId);
            LOG.infof("packed the repository of campaign %d: %d loose objects in %d ms", campaignId, loose,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warnf("could not pack the repository of campaign %d (it stays loose, which is only slower): %s",
                    campaignId, e.getMessage());
        } finally {
            pending.remove(campaignId);
        }
    }

    @PreDestroy
    void stop() {
        packer.shutdownNow();
    }
}
