package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RFC 6962 tree heads: the Certificate Transparency reference vectors, and the RFC's recursive definition. */
@Tag("unit")
class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final List<String> LEAVES = List.of("", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f");
    private static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void rootsOfTheReferenceLeavesForEverySize() {
        MerkleTree tree = new MerkleTree();
        assertEquals(ROOTS.getFirst(), tree.rootHex());
        for (int n = 1; n <= LEAVES.size(); n++) {
            tree.append(HEX.parseHex(LEAVES.get(n - 1)));
            assertEquals(ROOTS.get(n), tree.rootHex(), "size " + n);
            assertEquals(n, tree.size());
        }
    }

    @Test
    void incrementalRootEqualsTheRecursiveDefinitionUpToAThousandLeaves() throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 1000; i++) {
            byte[] leaf = ("record " + i).getBytes();
            leaves.add(leaf);
            tree.append(leaf);
            if (i < 70 || i % 97 == 0 || i == 999) {
                assertEquals(HEX.formatHex(recursive(leaves)), tree.rootHex(), "size " + (i + 1));
            }
        }
        assertEquals(tree.rootHex(), MerkleTree.rootHex(leaves));
    }

    /** MTH(D[n]) exactly as RFC 6962 section 2.1 writes it. */
    private static byte[] recursive(List<byte[]> d) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        if (d.isEmpty()) {
            return sha.digest();
        }
        if (d.size() == 1) {
            sha.update((byte) 0);
            return sha.digest(d.getFirst());
        }
        int k = Integer.highestOneBit(d.size() - 1);
        byte[] left = recursive(d.subList(0, k));
        byte[] right = recursive(d.subList(k, d.size()));
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }
}
