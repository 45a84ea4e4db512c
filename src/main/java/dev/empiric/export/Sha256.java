package dev.empiric.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as the export uses it everywhere (record chain, file manifest, content-addressed views):
 * lower-case hex of the digest.
 */
public final class Sha256 {

    private Sha256() {}

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final MessageDigest PROTOTYPE = create();

    /** A fresh digest; cloned from a prototype, since looking the algorithm up costs more than hashing a record. */
    static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return create();
        }
    }

    private static MessageDigest create() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Passes bytes through to {@code out} (if any) while hashing them; never closes {@code out}. */
    static final class Tee extends OutputStream {
        private final OutputStream out;
        private final MessageDigest digest = digest();
        private long count;

        Tee(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            digest.update((byte) b);
            count++;
            if (out != null) {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count += len;
            if (out != null) {
                out.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() {
            // The zip stream outlives every entry written through a Tee.
        }

        long count() {
            return count;
        }

        String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /**
     * A set of SHA-256 hashes held as 32 bytes each in one long array (open addressing), so that
     * remembering every view an export wrote costs no object per view.
     */
    static final class Seen {
        private long[] slots = new long[4 * 1024];
        private int size;

        /** Adds a hash (64 hex digits); false if it was there already. */
        boolean add(String hex) {
            if ((size + 1) * 4L > slots.length / 4 * 3L) {
                grow();
            }
            long[] hash = new long[4];
            for (int i = 0; i < 4; i++) {
                hash[i] = Long.parseUnsignedLong(hex.substring(i * 16, i * 16 + 16), 16);
            }
            return insert(slots, hash);
        }

        private boolean insert(long[] table, long[] hash) {
            int capacity = table.length / 4;
            // The hash is uniform already; its first word picks the slot. All-zero marks an empty slot,
            // and an all-zero SHA-256 cannot be found in practice.
            for (int slot = (int) Long.remainderUnsigned(hash[0], capacity); ; slot = (slot + 1) % capacity) {
                int at = slot * 4;
                if (table[at] == 0 && table[at + 1] == 0 && table[at + 2] == 0 && table[at + 3] == 0) {
                    System.arraycopy(hash, 0, table, at, 4);
                    if (table == slots) {
                        size++;
                    }
                    return true;
                }
                if (table[at] == hash[0] && table[at + 1] == hash[1] && table[at + 2] == hash[2]
                        && table[at + 3] == hash[3]) {
                    return false;
                }
            }
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (int at = 0; at < old.length; at += 4) {
                if (old[at] != 0 || old[at + 1] != 0 || old[at + 2] != 0 || old[at + 3] != 0) {
                    insert(slots, new long[] {old[at], old[at + 1], old[at + 2], old[at + 3]});
                }
            }
        }
    }
}
