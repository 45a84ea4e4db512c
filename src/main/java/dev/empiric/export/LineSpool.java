package dev.empiric.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Lines on disk, with each line's offset, readable by index once written: how an export keeps
 * what it must read again (a record, a view's row) without holding it in memory.
 */
final class LineSpool implements AutoCloseable {
    final Path file;
    private final OutputStream out;
    private long[] offsets = new long[256];
    private int size;
    private long length;
    private RandomAccessFile reader;

    LineSpool(Path file) throws IOException {
        this.file = file;
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    void append(byte[] line) throws IOException {
        if (size + 1 >= offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[size++] = length;
        out.write(line);
        out.write('\n');
        length += line.length + 1;
        offsets[size] = length;
    }

    void append(String line) throws IOException {
        append(line.getBytes(StandardCharsets.UTF_8));
    }

    void finishWriting() throws IOException {
        out.close();
    }

    String load(int index) throws IOException {
        if (reader == null) {
            reader = new RandomAccessFile(file.toFile(), "r");
        }
        byte[] line = new byte[(int) (offsets[index + 1] - offsets[index] - 1)];
        reader.seek(offsets[index]);
        reader.readFully(line);
        return new String(line, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (reader != null) {
            reader.close();
        }
    }
}
