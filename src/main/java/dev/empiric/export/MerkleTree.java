package dev.empiric.export;

import dev.empiric.Sha256;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The RFC 6962 (Certificate Transparency) Merkle tree hash over a sequence of records: leaf =
 * SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), and a tree of n leaves splits at
 * the largest power of two smaller than n. Its root, signed, commits to every record and to their
 * order; any implementation of RFC 6962 can recompute it.
 *
 * <p>Leaves are appended one at a time and only one hash per level is kept (the perfect subtrees
 * the leaves so far fall into), so a root over millions of records needs a few kilobytes.
 */
public final class MerkleTree {

    private final MessageDigest digest = Sha256.digest();
    /** levels[i]: the root of a complete subtree of 2^i leaves, present when bit i of size is set. */
    private final byte[][] levels = new byte[64][];
    private long size;

    public void append(byte[] data) {
        byte[] hash = leafHash(data);
        int level = 0;
        while ((size >>> level & 1) == 1) {
            hash = nodeHash(levels[level], hash);
            levels[level] = null;
            level++;
        }
        levels[level] = hash;
        size++;
    }

    public long size() {
        return size;
    }

    /** The tree head: SHA-256 of nothing for an empty tree. */
    public byte[] root() {
        byte[] root = null;
        for (byte[] subtree : levels) {
            if (subtree != null) {
                // Smaller subtrees sit to the right: RFC 6962's split puts the largest power of two left.
                root = root == null ? subtree : nodeHash(subtree, root);
            }
        }
        return root == null ? digest.digest() : root;
    }

    public String rootHex() {
        return HexFormat.of().formatHex(root());
    }

    /** The root over {@code records}, in order. */
    public static String rootHex(List<byte[]> records) {
        MerkleTree tree = new MerkleTree();
        records.forEach(tree::append);
        return tree.rootHex();
    }

    byte[] leafHash(byte[] data) {
        digest.update((byte) 0x00);
        return digest.digest(data);
    }

    byte[] nodeHash(byte[] left, byte[] right) {
        digest.update((byte) 0x01);
        digest.update(left);
        return digest.digest(right);
    }
}
