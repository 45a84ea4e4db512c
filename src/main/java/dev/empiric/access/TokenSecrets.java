package dev.empiric.access;

import dev.empiric.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of an API token and how it is checked. A token reads {@code emp_<holder>_<secret>}: the
 * holder is {@code admin} or the number of a campaign token's row (not secret: it finds the row), the
 * secret is 32 bytes from {@link SecureRandom} in URL-safe Base64. Only the SHA-256 of the secret is
 * stored, and a presented secret is compared with it in constant time.
 *
 * <p>A fast hash is enough here, unlike for passwords: slow key-derivation functions exist to make
 * guessing low-entropy secrets expensive, but a 256-bit random secret cannot be guessed at any hash
 * rate, and a fast hash keeps checking the token of every request cheap.
 */
final class TokenSecrets {

    static final String ADMIN = "admin";
    private static final String PREFIX = "emp_";
    private static final int SECRET_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("emp_(admin|[1-9][0-9]{0,17})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token as presented: who it claims to be, and its secret part. */
    record Presented(String holder, String secret) {

        boolean admin() {
            return ADMIN.equals(holder);
        }

        long tokenId() {
            return Long.parseLong(holder);
        }
    }

    private TokenSecrets() {}

    static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String token(String holder, String secret) {
        return PREFIX + holder + "_" + secret;
    }

    static Optional<Presented> parse(String token) {
        Matcher matcher = FORMAT.matcher(token);
        return matcher.matches() ? Optional.of(new Presented(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    /** What is stored for a secret: SHA-256, lower-case hex. */
    static String hash(String secret) {
        return Sha256.hex(secret);
    }

    /** Whether the secret hashes to {@code storedHash}; the time taken does not depend on where they differ. */
    static boolean matches(String secret, String storedHash) {
        byte[] presented = Sha256.digest().digest(secret.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(presented, HexFormat.of().parseHex(storedHash));
    }
}
