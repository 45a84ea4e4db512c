package dev.empiric.export;

import dev.empiric.DomainException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * An export zip sent to the server for verification, unpacked into a temporary folder as hostile
 * input: no entry may leave the folder, and the unpacked size and the entry count are capped, so a
 * zip bomb ends in a refusal instead of a full disk.
 */
final class UploadedExport implements AutoCloseable {

    /** Unpacked bytes at most: far above any export that fits the request size limit, far below a bomb. */
    static final long MAX_BYTES = 1L << 30;
    static final int MAX_ENTRIES = 1_000_000;

    final Path folder;

    private UploadedExport(Path folder) {
        this.folder = folder;
    }

    static UploadedExport unpack(InputStream zip) {
        Path folder;
        try {
            folder = Files.createTempDirectory("empiric-verify-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UploadedExport upload = new UploadedExport(folder);
        try (ZipInputStream in = new ZipInputStream(zip)) {
            long total = 0;
            int entries = 0;
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw new InvalidImport(Kind.TOO_LARGE, "the zip holds more than " + MAX_ENTRIES + " entries");
                }
                Path target = folder.resolve(entry.getName()).normalize();
                if (!target.startsWith(folder) || target.equals(folder)) {
                    throw new InvalidImport(Kind.UNPROCESSABLE, "the zip entry '" + entry.getName()
                            + "' would be written outside its folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    total += copy(in, out, MAX_BYTES - total);
                }
            }
            if (entries == 0) {
                throw new InvalidImport(Kind.UNPROCESSABLE, "the body is not a zip file (or an empty one): send the"
                        + " export as GET /api/campaigns/{id}/export gave it");
            }
        } catch (ZipException e) {
            upload.close();
            throw new InvalidImport(Kind.UNPROCESSABLE, "the body is not a readable zip file: " + e.getMessage());
        } catch (IOException e) {
            upload.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            upload.close();
            throw e;
        }
        return upload;
    }

    private static long copy(InputStream in, OutputStream out, long allowed) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            copied += n;
            if (copied > allowed) {
                throw new InvalidImport(Kind.TOO_LARGE, "the zip unpacks to more than " + MAX_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return copied;
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary folder; the system's cleanup takes what is left
        }
    }
}
