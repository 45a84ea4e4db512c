package dev.empiric.export;

/**
 * A set of SHA-256 hashes held as 32 bytes each in one long array (open addressing), so that
 * remembering every proposer view an export refers to costs no object per view.
 */
final class HashSet256 {

    private long[] slots = new long[4 * 1024];
    private int size;

    /** Adds a hash (64 hex digits); false if it was there already. */
    boolean add(String hex) {
        if ((size + 1) * 4L > slots.length / 4 * 3L) {
            grow();
        }
        return insert(slots, words(hex), true);
    }

    boolean contains(String hex) {
        long[] hash = words(hex);
        int capacity = slots.length / 4;
        for (int slot = (int) Long.remainderUnsigned(hash[0], capacity); ; slot = (slot + 1) % capacity) {
            int at = slot * 4;
            if (empty(slots, at)) {
                return false;
            }
            if (equal(slots, at, hash)) {
                return true;
            }
        }
    }

    int size() {
        return size;
    }

    private static long[] words(String hex) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits, not '" + hex + "'");
        }
        long[] hash = new long[4];
        for (int i = 0; i < 4; i++) {
            hash[i] = Long.parseUnsignedLong(hex, i * 16, i * 16 + 16, 16);
        }
        return hash;
    }

    private boolean insert(long[] table, long[] hash, boolean counted) {
        int capacity = table.length / 4;
        // The hash is uniform already; its first word picks the slot. All-zero marks an empty slot,
        // and an all-zero SHA-256 cannot be found in practice.
        for (int slot = (int) Long.remainderUnsigned(hash[0], capacity); ; slot = (slot + 1) % capacity) {
            int at = slot * 4;
            if (empty(table, at)) {
                System.arraycopy(hash, 0, table, at, 4);
                if (counted) {
                    size++;
                }
                return true;
            }
            if (equal(table, at, hash)) {
                return false;
            }
        }
    }

    private static boolean empty(long[] table, int at) {
        return table[at] == 0 && table[at + 1] == 0 && table[at + 2] == 0 && table[at + 3] == 0;
    }

    private static boolean equal(long[] table, int at, long[] hash) {
        return table[at] == hash[0] && table[at + 1] == hash[1] && table[at + 2] == hash[2] && table[at + 3] == hash[3];
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (int at = 0; at < old.length; at += 4) {
            if (!empty(old, at)) {
                insert(slots, new long[] {old[at], old[at + 1], old[at + 2], old[at + 3]}, false);
            }
        }
    }
}
