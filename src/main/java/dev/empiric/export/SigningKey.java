package dev.empiric.export;

import dev.empiric.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's Ed25519 key for signing export checkpoints. It is created once in a folder of the
 * data directory and never changes, so an auditor who noted the public key once (from
 * {@code GET /api/keys} or the server log at first start) can check every later export against it.
 *
 * <p>Files: {@value #PRIVATE_FILE} holds the PKCS#8 private key and the public key as PEM blocks,
 * readable by the owner only (0600); {@value #PUBLIC_FILE} holds the public key as printed, base64
 * of its 32 raw bytes, which is what {@code verify.py --key} takes.
 */
public final class SigningKey {

    public static final String PRIVATE_FILE = "export-signing-key.pem";
    public static final String PUBLIC_FILE = "export-signing-key.pub";
    /** The fixed DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows it. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final boolean created;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey, boolean created) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.created = created;
    }

    /**
     * The key in {@code folder}, created (with the folder) if there is none yet. Creation is
     * atomic: a crash leaves either no key or a whole one, and two starts never make two keys.
     */
    public static SigningKey loadOrCreate(Path folder) {
        Path file = folder.resolve(PRIVATE_FILE);
        if (Files.exists(file)) {
            return load(folder);
        }
        try {
            Files.createDirectories(folder);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
            Path temporary = Files.createTempFile(folder, ".signing-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
                Files.createLink(file, temporary); // fails if another start made a key meanwhile
            } catch (FileAlreadyExistsException raced) {
                return load(folder);
            } finally {
                Files.deleteIfExists(temporary);
            }
            SigningKey key = new SigningKey(pair.getPrivate(), pair.getPublic(), true);
            key.writePublicFile(folder);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the export signing key in " + folder, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no Ed25519", e);
        }
    }

    /** The key in {@code folder}; fails if there is none or if its two halves do not belong together. */
    public static SigningKey load(Path folder) {
        Path file = folder.resolve(PRIVATE_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            byte[] privateDer = null;
            byte[] publicDer = null;
            for (Matcher m = PEM.matcher(text); m.find(); ) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                if (m.group(1).equals("PRIVATE KEY")) {
                    privateDer = der;
                } else if (m.group(1).equals("PUBLIC KEY")) {
                    publicDer = der;
                }
            }
            if (privateDer == null || publicDer == null) {
                throw new IllegalStateException(file + " must hold a PRIVATE KEY and a PUBLIC KEY block");
            }
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            SigningKey key = new SigningKey(factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer)),
                    factory.generatePublic(new X509EncodedKeySpec(publicDer)), false);
            byte[] probe = "empiric signing key probe".getBytes(StandardCharsets.US_ASCII);
            if (!verify(key.publicKey(), probe, key.sign(probe))) {
                throw new IllegalStateException("the public key in " + file + " does not belong to its private key");
            }
            if (!Files.exists(folder.resolve(PUBLIC_FILE))) {
                key.writePublicFile(folder);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the export signing key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(file + " does not hold an Ed25519 key pair: " + e.getMessage(), e);
        }
    }

    /** Whether this call made the key (the server then prints it, so the log records it from the start). */
    public boolean created() {
        return created;
    }

    /** The public key as auditors pass it: base64 of its 32 raw bytes. */
    public String publicKey() {
        byte[] spki = publicKey.getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length));
    }

    /** A short name for the key, recorded in every checkpoint it signs. */
    public String fingerprint() {
        return fingerprint(publicKey());
    }

    /** {@code ed25519:} and the first 16 hex digits of SHA-256 over the raw public key. */
    public static String fingerprint(String publicKey) {
        return "ed25519:" + Sha256.hex(raw(publicKey)).substring(0, 16);
    }

    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign with Ed25519", e);
        }
    }

    /** Whether {@code signature} is {@code publicKey}'s (base64 raw) signature of {@code message}. */
    public static boolean verify(String publicKey, byte[] message, byte[] signature) {
        try {
            byte[] spki = new byte[SPKI_PREFIX.length + 32];
            System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
            System.arraycopy(raw(publicKey), 0, spki, SPKI_PREFIX.length, 32);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] raw(String publicKey) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(publicKey.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an Ed25519 public key is base64 of 32 bytes, not '" + publicKey + "'");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        return raw;
    }

    private void writePublicFile(Path folder) throws IOException {
        Files.writeString(folder.resolve(PUBLIC_FILE), publicKey() + "\n", StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
