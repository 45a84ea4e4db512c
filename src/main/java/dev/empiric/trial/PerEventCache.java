package dev.empiric.trial;

import dev.empiric.campaign.Campaign;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A value computed from a campaign's trials, remembered until the campaign's event log moves. Every
 * change of a trial's state, label or confirmation appends an event in the same transaction, which
 * moves the campaign's last event hash; so a value computed after reading that hash holds until the
 * hash changes, on every server sharing the store.
 *
 * <p>The hash, not the event number, is the key: a value computed in a transaction that appended
 * events and then rolled back sits under a hash no committed event will ever have. What this relies
 * on: no one computes a remembered value between writing a trial and appending its event (writers
 * append in the same service call; the values are read by views, after services return). The value
 * is computed in the caller's transaction, so a miss costs what no cache would, and no second
 * connection. At most {@code capacity} campaigns are remembered, least recently used first out.
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
        if (hash == null) {
            return compute.get(); // no event yet (none is created so): nothing to key on
        }
        synchronized (entries) {
            Stamped<V> stamped = entries.get(campaign.id);
            if (stamped != null && stamped.eventHash().equals(hash)) {
                return stamped.value();
            }
        }
        V value = compute.get();
        synchronized (entries) {
            entries.put(campaign.id, new Stamped<>(hash, value));
        }
        return value;
    }
}
