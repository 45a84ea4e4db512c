package dev.empiric.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Token text: its format, its randomness, and the comparison of a presented secret with a stored hash. */
@Tag("unit")
class TokenSecretsTest {

    @Test
    void aTokenNamesItsHolderAndCarries256RandomBits() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            secrets.add(TokenSecrets.newSecret());
        }
        assertEquals(1000, secrets.size());
        String secret = secrets.iterator().next();
        assertEquals(43, secret.length(), "32 bytes in unpadded Base64");
        TokenSecrets.Presented admin = TokenSecrets.parse(TokenSecrets.token("admin", secret)).orElseThrow();
        assertTrue(admin.admin());
        assertEquals(secret, admin.secret());
        TokenSecrets.Presented campaign = TokenSecrets.parse(TokenSecrets.token("17", secret)).orElseThrow();
        assertEquals(17, campaign.tokenId());
    }

    @Test
    void anythingElseIsNotAToken() {
        String secret = TokenSecrets.newSecret();
        for (String text : new String[] {"", "emp_admin_", "emp_0_" + secret, "emp_x_" + secret,
                "emp_1_" + secret + "A", "EMP_1_" + secret, " emp_1_" + secret, "emp_1_" + secret.replace(secret.charAt(3), '+')}) {
            assertTrue(TokenSecrets.parse(text).isEmpty(), text);
        }
    }

    @Test
    void aSecretMatchesOnlyItsOwnHash() {
        String secret = TokenSecrets.newSecret();
        String stored = TokenSecrets.hash(secret);
        assertEquals(64, stored.length());
        assertTrue(TokenSecrets.matches(secret, stored));
        // Differing in the first or the last character: both compare digests, never the secrets themselves.
        char first = secret.charAt(0) == 'A' ? 'B' : 'A';
        char last = secret.charAt(42) == 'A' ? 'B' : 'A';
        assertFalse(TokenSecrets.matches(first + secret.substring(1), stored));
        assertFalse(TokenSecrets.matches(secret.substring(0, 42) + last, stored));
        assertNotEquals(stored, TokenSecrets.hash(secret.substring(0, 42) + last));
    }
}
