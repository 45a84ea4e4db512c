package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Goal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class SigningKeyTest {

    @TempDir
    Path temp;

    @Test
    void createdOnceOwnerOnlyAndTheSameKeyOnEveryLoad() throws Exception {
        Path keys = temp.resolve("keys");
        SigningKey first = SigningKey.loadOrCreate(keys);
        assertTrue(first.created());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve(SigningKey.PRIVATE_FILE))));
        assertEquals(first.publicKey() + "\n", Files.readString(keys.resolve(SigningKey.PUBLIC_FILE)));
        assertEquals(32, Base64.getDecoder().decode(first.publicKey()).length);
        assertTrue(first.fingerprint().matches("ed25519:[0-9a-f]{16}"), first.fingerprint());

        SigningKey again = SigningKey.loadOrCreate(keys);
        assertFalse(again.created());
        assertEquals(first.publicKey(), again.publicKey());
        byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);
        assertTrue(SigningKey.verify(first.publicKey(), message, again.sign(message)));
        assertFalse(SigningKey.verify(SigningKey.loadOrCreate(temp.resolve("other")).publicKey(), message,
                again.sign(message)));
        try (var leftovers = Files.list(keys)) {
            assertEquals(2, leftovers.count(), "no temporary file is left behind");
        }
    }

    @Test
    void rfc8032TestOneVerifiesThroughTheRawPublicKey() throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        String publicKey = Base64.getEncoder().encodeToString(
                hex.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        byte[] expected = hex.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a3"
                + "3bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
        assertEquals(hex.formatHex(expected), hex.formatHex(signer.sign()));
        assertTrue(SigningKey.verify(publicKey, new byte[0], expected));
        expected[10] ^= 1;
        assertFalse(SigningKey.verify(publicKey, new byte[0], expected));
    }

    @Test
    void aSignedCheckpointVerifiesUntilAnyFieldChanges() {
        SigningKey key = SigningKey.loadOrCreate(temp);
        ExportCampaign campaign = new ExportCampaign(7, "c", "digits", "abc", "accuracy", Goal.MAXIMIZE,
                new ExportCampaign.KeepRule(0.0, 2.0), null);
        Checkpoint signed = new Checkpoint(Checkpoint.FORMAT, campaign, 12, "00".repeat(32), null, 3, null,
                Instant.parse("2026-11-22T10:00:00Z"), null, null).signedWith(key);
        assertEquals(key.fingerprint(), signed.key());
        assertTrue(signed.verifies(key.publicKey()));
        Checkpoint fewer = new Checkpoint(signed.format(), campaign, 11, signed.merkleRoot(), null, 3, null,
                signed.createdAt(), signed.key(), signed.signature());
        assertFalse(fewer.verifies(key.publicKey()));
        assertFalse(signed.verifies(SigningKey.loadOrCreate(temp.resolve("other")).publicKey()));
    }
}
