package dev.empiric.export;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The deflated copy of every attachment (diff, log, proposer view) the last export of a campaign
 * wrote, so that the next export copies them into its zip instead of deflating them again.
 * Deflating was the largest part of an export's CPU (docs/performance.md), and a finished trial's
 * files never change.
 *
 * <p>One file per campaign, rewritten by each export in the order it writes attachments (trials by
 * number, the diff before the log; then the views by hash) and read by the next one in that same
 * order, so neither keeps an index in memory. Each copy carries what shows it still applies: diffs
 * and views their SHA-256 (their text is at hand anyway), logs their {@link TrialLog#stamp()}, so an
 * unchanged log is not even read. The cache only ever saves work: an unreadable or foreign file is
 * treated as empty, and a failure to write the new one leaves the export as it would have been.
 */
final class AttachmentCache implements AutoCloseable {

    private static final byte[] MAGIC = "empiric export attachments 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SHA_BYTES = 32;

    enum Kind { DIFF, LOG, VIEW }

    private static final Kind[] KINDS = Kind.values();

    private final Path file;
    private final Previous previous;
    private Path next;
    private DataOutputStream out;
    private long reused;

    private AttachmentCache(Path file) {
        this.file = file;
        this.previous = file == null ? new Previous(null) : Previous.open(file);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            // One name per campaign, not a fresh one per export: a server killed mid-export leaves one
            // file that the next export overwrites, never a growing heap of them. Exports of a campaign
            // take its lock, so two never write it at once.
            next = file.resolveSibling(file.getFileName() + ".tmp");
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(next), 1 << 16));
            out.write(MAGIC);
        } catch (IOException e) {
            abandonNext();
        }
    }

    /** The cache kept in {@code file}; null gives one that holds nothing and keeps nothing. */
    static AttachmentCache at(Path file) {
        return new AttachmentCache(file);
    }

    /** The previous export's copy of trial {@code number}'s diff, if its text still hashes to {@code sha256}. */
    Deflated diff(int number, String sha256) {
        Previous.Entry found = previous.find(Kind.DIFF, number, null);
        return found != null && found.sha256.equals(sha256) ? reuse(found) : null;
    }

    /** The previous export's copy of trial {@code number}'s log, if the log still has {@code stamp}. */
    Deflated log(int number, long stamp) {
        Previous.Entry found = previous.find(Kind.LOG, number, null);
        return found != null && found.stamp == stamp ? reuse(found) : null;
    }

    /** The previous export's copy of the view stored under {@code sha256}. */
    Deflated view(String sha256) {
        Previous.Entry found = previous.find(Kind.VIEW, -1, sha256);
        return found != null ? reuse(found) : null;
    }

    private Deflated reuse(Previous.Entry entry) {
        Deflated copy = entry.read();
        if (copy != null) {
            reused++;
        }
        return copy;
    }

    /** How many files this export took from the previous one's. */
    long reused() {
        return reused;
    }

    /** Records that this export wrote {@code file}, for the next one; call in the order named above. */
    void keep(Kind kind, int number, long stamp, Deflated file) {
        if (out == null || kind == Kind.LOG && stamp == 0) { // a log without a stamp is never known again
            return;
        }
        try {
            out.writeByte(kind.ordinal() + 1);
            out.writeInt(number);
            out.writeLong(stamp);
            out.write(HexFormat.of().parseHex(file.sha256()));
            out.writeInt(file.crc());
            out.writeLong(file.size());
            out.writeInt(file.data().length);
            out.write(file.data());
        } catch (IOException e) {
            abandonNext(); // a full disk costs the next export its head start, nothing more
        }
    }

    /** Makes what this export kept the cache the next one reads; the export succeeded. */
    void commit() {
        previous.close();
        if (out == null) {
            return;
        }
        try {
            out.writeByte(0);
            out.close();
            out = null;
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            next = null;
        } catch (IOException e) {
            abandonNext();
        }
    }

    @Override
    public void close() {
        previous.close();
        abandonNext();
    }

    private void abandonNext() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // the file is deleted next
        }
        out = null;
        try {
            if (next != null) {
                Files.deleteIfExists(next);
            }
        } catch (IOException ignored) {
            // a temporary file in the cache folder; the next export's rename does not see it
        }
        next = null;
    }

    /** The previous export's file, read forward as this export asks for attachments in the same order. */
    private static final class Previous {
        private final DataInputStream in;
        private Entry current;

        private Previous(DataInputStream in) {
            this.in = in;
        }

        static Previous open(Path file) {
            DataInputStream in = null;
            try {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
                Previous previous = new Previous(in);
                if (Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
                    previous.advance();
                    return previous;
                }
            } catch (IOException absentOrUnreadable) {
                // nothing to reuse
            }
            new Previous(in).close();
            return new Previous(null);
        }

        /** The entry for ({@code kind}, {@code number}) or the view {@code sha256}, skipping those before it. */
        Entry find(Kind kind, int number, String sha256) {
            while (current != null && current.before(kind, number, sha256)) {
                advance();
            }
            return current != null && current.is(kind, number, sha256) ? current : null;
        }

        private void advance() {
            try {
                if (current != null && !current.consumed) {
                    in.skipNBytes(current.length);
                }
                current = null;
                int kind = in.readUnsignedByte();
                if (kind == 0 || kind > KINDS.length) {
                    close();
                    return;
                }
                Entry entry = new Entry(KINDS[kind - 1], in.readInt(), in.readLong(), hex(in.readNBytes(SHA_BYTES)),
                        in.readInt(), in.readLong(), in.readInt());
                if (entry.length < 0) {
                    close();
                    return;
                }
                current = entry;
            } catch (IOException | RuntimeException truncatedOrForeign) {
                close(); // the rest counts as absent
            }
        }

        void close() {
            current = null;
            try {
                if (in != null) {
                    in.close();
                }
            } catch (IOException ignored) {
                // read only
            }
        }

        private static String hex(byte[] sha) throws EOFException {
            if (sha.length != SHA_BYTES) {
                throw new EOFException();
            }
            return HexFormat.of().formatHex(sha);
        }

        private final class Entry {
            final Kind kind;
            final int number;
            final long stamp;
            final String sha256;
            final int crc;
            final long size;
            final int length;
            boolean consumed;

            Entry(Kind kind, int number, long stamp, String sha256, int crc, long size, int length) {
                this.kind = kind;
                this.number = number;
                this.stamp = stamp;
                this.sha256 = sha256;
                this.crc = crc;
                this.size = size;
                this.length = length;
            }

            /** Trials' files come first, by number, the diff before the log; then views, by hash. */
            boolean before(Kind kind, int number, String sha256) {
                if (this.kind == Kind.VIEW) {
                    return kind == Kind.VIEW && this.sha256.compareTo(sha256) < 0;
                }
                return kind == Kind.VIEW || this.number < number || this.number == number && this.kind.compareTo(kind) < 0;
            }

            boolean is(Kind kind, int number, String sha256) {
                return this.kind == kind && (kind == Kind.VIEW ? this.sha256.equals(sha256) : this.number == number);
            }

            Deflated read() {
                try {
                    byte[] data = in.readNBytes(length);
                    consumed = true;
                    if (data.length != length) {
                        Previous.this.close();
                        return null;
                    }
                    Deflated copy = new Deflated(sha256, crc, size, data);
                    advance();
                    return copy;
                } catch (IOException e) {
                    Previous.this.close();
                    return null;
                }
            }
        }
    }
}
