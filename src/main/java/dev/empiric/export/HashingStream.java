package dev.empiric.export;

import dev.empiric.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes bytes through to the zip entry being written while hashing them, so that every file of an
 * export is hashed for the manifest in the same pass that writes it. Never closes the stream it
 * writes to: the zip outlives every entry.
 */
final class HashingStream extends OutputStream {

    private final OutputStream out;
    private final MessageDigest digest = Sha256.digest();

    HashingStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        digest.update((byte) b);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        digest.update(b, off, len);
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() {
        // The zip stream outlives every entry written through this.
    }

    /** The SHA-256 (hex) of everything written. */
    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
