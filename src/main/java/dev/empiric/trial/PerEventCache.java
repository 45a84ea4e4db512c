package dev.empiric.trial;

import dev.empiric.campaign.Campaign;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A value computed from a campaign's trials, remembered until the campaign's event log moves. Every
 * change of a trial's state, label or confirmation appends an event in the same transaction, which
 * moves the campaign's last event hash; so a value computed after reading that hash holds until the
 * hash changes, on every server sharing the store.
 *
 * <p>A value is computed for remembering in a transaction of its own, which sees only committed rows:
 * the caller's transaction may have written trials it has not yet logged (or may roll back), and what
 * it sees must not be remembered under a hash that other readers share. When the committed hash is no
 * longer the caller's (an event was committed since the caller read its campaign), the caller gets a
 * value computed in its own transaction, as if there were no cache. At most {@code capacity}
 * campaigns are remembered, least recently used first out.
 */
final class PerEventCache<V> {

    private record Stamped<V>(String eventHash, V value) {}

    private final Map<Long, Stamped<V>> entries;

    PerEventCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Stamped<V>> eldest) {
                return size() > capacity;
            }
        };
    }

    V get(Campaign campaign, Supplier<V> compute) {
        String hash = campaign.lastEventHash;
        synchronized (entries) {
            Stamped<V> stamped = entries.get(campaign.id);
            if (stamped != null && stamped.eventHash().equals(hash)) {
                return stamped.value();
            }
        }
        Stamped<V> fresh = QuarkusTransaction.requiringNew().call(() -> {
            Campaign committed = Campaign.findById(campaign.id);
            // not committed yet (created in the caller's transaction), or without events: nothing to remember
            return committed == null || committed.lastEventHash == null ? null
                    : new Stamped<>(committed.lastEventHash, compute.get());
        });
        if (fresh == null) {
            return compute.get();
        }
        synchronized (entries) {
            entries.put(campaign.id, fresh);
        }
        return fresh.eventHash().equals(hash) ? fresh.value() : compute.get();
    }
}
