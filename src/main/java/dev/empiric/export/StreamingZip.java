package dev.empiric.export;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A zip writer whose memory does not grow with the number of entries. The JDK's ZipOutputStream
 * keeps an object per entry until the end, because the zip format puts its central directory
 * there; an export has three files per trial, so that index alone cost about a kilobyte per trial.
 * This writer appends each entry's central directory record to a spool file instead and copies it
 * out at the end.
 *
 * <p>Entries are deflated (a {@link #spool spooled} one may be stored in deflate's uncompressed
 * blocks, at level 0), with sizes and CRC in a data descriptor after the data (general purpose flag bit 3) and UTF-8 names (bit 11).
 * ZIP64 end records are written when there are 65,535 entries or more, or the archive passes 4 GiB;
 * a single entry must stay under 4 GiB.
 */
final class StreamingZip implements AutoCloseable {

    private static final long MAX_32 = 0xFFFFFFFFL;
    private static final int MAX_16 = 0xFFFF;

    private final CountingOutput out;
    private final Path directorySpool;
    private final CountingOutput directory;
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final byte[] input = new byte[64 * 1024];
    private final byte[] buffer = new byte[64 * 1024];
    /** One header or record at a time, assembled and then written at once rather than byte by byte. */
    private final ByteBuffer record = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    private final int dosTime;
    private final int dosDate;
    private long entries;
    private Entry current;

    /** @param spool a file this writer may create and delete, for the central directory */
    StreamingZip(OutputStream target, Path spool, Instant modified) throws IOException {
        this.out = new CountingOutput(new BufferedOutputStream(target, 1 << 16));
        this.directorySpool = spool;
        this.directory = new CountingOutput(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
        LocalDateTime t = LocalDateTime.ofInstant(modified, ZoneOffset.UTC);
        this.dosTime = t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
        this.dosDate = Math.max(0, t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }

    /** Starts an entry; write its bytes to the returned stream, then {@link #closeEntry()}. */
    OutputStream putNextEntry(String name) throws IOException {
        if (current != null) {
            throw new IllegalStateException("entry " + current.name + " is still open");
        }
        long offset = out.count;
        current = new Entry(name, localHeader(name), offset);
        deflater.reset();
        return current;
    }

    void closeEntry() throws IOException {
        Entry entry = current;
        entry.finish();
        current = null;
        recordEntry(entry.name, entry.encodedName, entry.offset, (int) entry.crc.getValue(), entry.compressed,
                entry.size);
    }

    /** Deflates a whole file at this zip's level, for {@link #putDeflated} here or in a later archive. */
    Deflated deflate(byte[] bytes, String sha256) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        deflater.reset();
        deflater.setInput(bytes);
        deflater.finish();
        byte[] data = new byte[Math.max(64, bytes.length / 2)];
        int length = 0;
        while (!deflater.finished()) {
            if (length == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            length += deflater.deflate(data, length, data.length - length);
        }
        return new Deflated(sha256, (int) crc.getValue(), bytes.length, Arrays.copyOf(data, length));
    }

    /** Adds a file that is deflated already, copying its bytes as they are. */
    void putDeflated(String name, Deflated file) throws IOException {
        putRaw(name, file.crc(), file.size(), file.data().length, () -> out.write(file.data()));
    }

    /**
     * What {@link #spool} made: an entry's deflated bytes in a file of their own, with the CRC-32,
     * length and SHA-256 of the original bytes.
     */
    record Spooled(Path file, String sha256, int crc, long size, long compressed) {}

    /** What an entry holds: written to the stream given, which deflates it. */
    interface Content {
        void writeTo(OutputStream entry) throws IOException;
    }

    /**
     * Deflates an entry into {@code file}, hashing it on the way, on whichever thread calls: so an
     * entry can be made while the archive is busy with others, and {@link #putSpooled added} when
     * its turn comes.
     */
    static Spooled spool(Path file, int level, Content content) throws IOException {
        try (Spooling entry = new Spooling(file, level)) {
            content.writeTo(entry);
            return entry.finish();
        }
    }

    /** An entry being {@link #spool spooled}, for content that is written a piece at a time. */
    static final class Spooling extends OutputStream {
        private final Path file;
        private final Deflater deflater;
        private final OutputStream target;
        private final Deflating deflating;
        private final HashingStream hashed;

        Spooling(Path file, int level) throws IOException {
            this.file = file;
            this.deflater = new Deflater(level, true);
            this.target = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            this.deflating = new Deflating(deflater, target, new byte[64 * 1024], new byte[64 * 1024]);
            this.hashed = new HashingStream(deflating);
        }

        @Override
        public void write(int b) throws IOException {
            hashed.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            hashed.write(b, off, len);
        }

        /** Ends the entry; the stream is closed. */
        Spooled finish() throws IOException {
            deflating.finish();
            close();
            return new Spooled(file, hashed.hex(), (int) deflating.crc.getValue(), deflating.size, deflating.compressed);
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            target.close();
        }
    }

    /**
     * Adds an entry {@link #spool spooled} before, copying its deflated bytes as they are: the first
     * {@code compressed} bytes of its file, which may go on with something else ({@link KeptBundle}).
     */
    void putSpooled(String name, Spooled entry) throws IOException {
        putRaw(name, entry.crc(), entry.size(), entry.compressed(), () -> {
            try (InputStream in = Files.newInputStream(entry.file())) {
                byte[] buffer = new byte[1 << 16];
                for (long left = entry.compressed(); left > 0; ) {
                    int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (read < 0) {
                        throw new EOFException(entry.file() + " ends before the " + entry.compressed()
                                + " bytes spooled into it");
                    }
                    out.write(buffer, 0, read);
                    left -= read;
                }
            }
        });
    }

    private interface RawData {
        void write() throws IOException;
    }

    private void putRaw(String name, int crc, long size, long compressed, RawData data) throws IOException {
        if (current != null) {
            throw new IllegalStateException("entry " + current.name + " is still open");
        }
        long offset = out.count;
        byte[] encoded = localHeader(name);
        data.write();
        recordEntry(name, encoded, offset, crc, compressed, size);
    }

    /** Writes an entry's local header; the CRC and sizes follow its data, in a data descriptor. */
    private byte[] localHeader(String name) throws IOException {
        byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
        record.clear();
        record.putInt(0x04034b50)
                .putShort((short) 20) // version needed: 2.0, deflate
                .putShort((short) 0x0808) // sizes in a data descriptor; UTF-8 name
                .putShort((short) 8) // deflated
                .putShort((short) dosTime)
                .putShort((short) dosDate)
                .putInt(0).putInt(0).putInt(0) // CRC and sizes follow the data
                .putShort((short) encoded.length)
                .putShort((short) 0);
        out.write(record.array(), 0, record.position());
        out.write(encoded);
        return encoded;
    }

    /** Ends an entry whose data is written: its data descriptor, and its record in the central directory. */
    private void recordEntry(String name, byte[] encodedName, long offset, int crc, long compressed, long size)
            throws IOException {
        if (compressed > MAX_32 || size > MAX_32) {
            throw new IOException(name + " is 4 GiB or more; an export entry must be smaller");
        }
        record.clear();
        record.putInt(0x08074b50).putInt(crc).putInt((int) compressed).putInt((int) size);
        out.write(record.array(), 0, record.position());

        boolean farOffset = offset >= MAX_32;
        short version = (short) (farOffset ? 45 : 20);
        record.clear();
        record.putInt(0x02014b50)
                .putShort(version) // made by
                .putShort(version) // needed
                .putShort((short) 0x0808)
                .putShort((short) 8)
                .putShort((short) dosTime)
                .putShort((short) dosDate)
                .putInt(crc)
                .putInt((int) compressed)
                .putInt((int) size)
                .putShort((short) encodedName.length)
                .putShort((short) (farOffset ? 12 : 0)) // extra
                .putShort((short) 0) // comment
                .putShort((short) 0) // disk
                .putShort((short) 0) // internal attributes
                .putInt(0) // external attributes
                .putInt((int) (farOffset ? MAX_32 : offset));
        directory.write(record.array(), 0, record.position());
        directory.write(encodedName);
        if (farOffset) {
            record.clear();
            record.putShort((short) 0x0001) // ZIP64 extended information: the local header's offset
                    .putShort((short) 8)
                    .putLong(offset);
            directory.write(record.array(), 0, record.position());
        }
        entries++;
    }

    /** Writes the central directory and the end records; the target stays open. */
    void finish() throws IOException {
        directory.close();
        long directoryOffset = out.count;
        Files.copy(directorySpool, out);
        long directorySize = out.count - directoryOffset;
        boolean zip64 = entries >= MAX_16 || directoryOffset >= MAX_32 || directorySize >= MAX_32;
        if (zip64) {
            long recordOffset = out.count;
            writeInt(out, 0x06064b50);
            writeLong(out, 44); // size of the rest of this record
            writeShort(out, 45);
            writeShort(out, 45);
            writeInt(out, 0);
            writeInt(out, 0);
            writeLong(out, entries);
            writeLong(out, entries);
            writeLong(out, directorySize);
            writeLong(out, directoryOffset);
            writeInt(out, 0x07064b50); // its locator
            writeInt(out, 0);
            writeLong(out, recordOffset);
            writeInt(out, 1);
        }
        writeInt(out, 0x06054b50);
        writeShort(out, 0);
        writeShort(out, 0);
        writeShort(out, (int) Math.min(entries, MAX_16));
        writeShort(out, (int) Math.min(entries, MAX_16));
        writeInt(out, (int) Math.min(directorySize, MAX_32));
        writeInt(out, (int) Math.min(directoryOffset, MAX_32));
        writeShort(out, 0);
        out.flush();
    }

    /** Bytes written to the target so far. */
    long size() {
        return out.count;
    }

    @Override
    public void close() throws IOException {
        deflater.end();
        directory.close();
        Files.deleteIfExists(directorySpool);
        out.flush();
    }

    /**
     * Deflates what is written to it into a target, counting and checksumming. Small writes (an
     * event's line, its line break) are gathered first: each call into the deflater costs more than
     * copying a line, and deflate's output does not depend on how its input is cut.
     */
    private static class Deflating extends OutputStream {
        private final Deflater deflater;
        private final OutputStream target;
        private final byte[] input;
        private final byte[] buffer;
        private int pending;
        final CRC32 crc = new CRC32();
        long size;
        long compressed;

        /** @param input gathers small writes; @param buffer takes the deflater's output */
        Deflating(Deflater deflater, OutputStream target, byte[] input, byte[] buffer) {
            this.deflater = deflater;
            this.target = target;
            this.input = input;
            this.buffer = buffer;
        }

        @Override
        public void write(int b) throws IOException {
            if (pending == input.length) {
                deflatePending();
            }
            input[pending++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > input.length - pending) {
                deflatePending();
            }
            if (len >= input.length) {
                deflate(b, off, len);
            } else {
                System.arraycopy(b, off, input, pending, len);
                pending += len;
            }
        }

        private void deflatePending() throws IOException {
            deflate(input, 0, pending);
            pending = 0;
        }

        private void deflate(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            crc.update(b, off, len);
            size += len;
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) {
                drain();
            }
        }

        void finish() throws IOException {
            deflatePending();
            deflater.finish();
            while (!deflater.finished()) {
                drain();
            }
        }

        private void drain() throws IOException {
            int n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
            target.write(buffer, 0, n);
            compressed += n;
        }

        @Override
        public void close() {
            // Whoever made it ends it (finish, closeEntry); callers may close the stream they were given freely.
        }
    }

    /** The open entry of the archive. */
    private final class Entry extends Deflating {
        final String name;
        final byte[] encodedName;
        final long offset;

        Entry(String name, byte[] encodedName, long offset) {
            super(deflater, out, input, buffer);
            this.name = name;
            this.encodedName = encodedName;
            this.offset = offset;
        }
    }

    private static final class CountingOutput extends OutputStream {
        private final OutputStream target;
        long count;

        CountingOutput(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }
    }

    private static void writeShort(OutputStream out, int value) throws IOException {
        out.write(value & 0xff);
        out.write(value >>> 8 & 0xff);
    }

    private static void writeInt(OutputStream out, int value) throws IOException {
        writeShort(out, value & 0xffff);
        writeShort(out, value >>> 16 & 0xffff);
    }

    private static void writeLong(OutputStream out, long value) throws IOException {
        writeInt(out, (int) value);
        writeInt(out, (int) (value >>> 32));
    }
}
