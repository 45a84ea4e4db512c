package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.Sha256;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class HashSet256Test {

    @Test
    void knownDigests() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc"));
    }

    @Test
    void theSetRemembersEveryHashThroughItsGrowth() {
        HashSet256 seen = new HashSet256();
        for (int i = 0; i < 20_000; i++) {
            assertTrue(seen.add(Sha256.hex("view " + i)), "new " + i);
        }
        for (int i = 0; i < 20_000; i++) {
            assertFalse(seen.add(Sha256.hex("view " + i)), "seen " + i);
            assertTrue(seen.contains(Sha256.hex("view " + i)), "contains " + i);
        }
        assertFalse(seen.contains(Sha256.hex("view 20000")));
        assertEquals(20_000, seen.size());
        assertTrue(seen.add(Sha256.hex("view 20000")));
        assertEquals(20_001, seen.size());
    }
}
