package dev.entente.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A transaction's token: proof that a caller holds the transaction, not merely its XID (which XA
 * recovery, logs and admin views show). It is HMAC-SHA256 of the XID under the key the coordinator
 * gave the RM session whose grant minted the XID, cut to 128 bits, in base64url without padding; the
 * leader, which keeps each session's key for its term, recomputes it. An XID names its session, so a
 * token is unguessable without that session's key and proves nothing for any other XID.
 */
public final class TransactionToken {

    /** Bytes of a session key. */
    public static final int KEY_BYTES = 32;
    /** Characters of a token: 16 bytes of the MAC in base64url without padding. */
    public static final int LENGTH = 22;
    private static final String MAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TransactionToken() {
    }

    /** A new random session key, given in the session's welcome. */
    public static byte[] newSessionKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The token of {@code xid} under {@code sessionKey}. */
    public static String of(byte[] sessionKey, String xid) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(sessionKey, xid));
    }

    /** Whether {@code token} is the token of {@code xid} under {@code sessionKey}; in constant time. */
    public static boolean matches(byte[] sessionKey, String xid, String token) {
        return MessageDigest.isEqual(of(sessionKey, xid).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code token} has a token's form (it may still be wrong): what a runtime takes from a request. */
    public static boolean isWellFormed(String token) {
        return token != null && token.length() == LENGTH && token.chars().allMatch(c -> c >= 'A' && c <= 'Z'
                || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
    }

    private static byte[] mac(byte[] sessionKey, String xid) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(sessionKey, MAC));
            return Arrays.copyOf(mac.doFinal(xid.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + MAC + ", which every Java platform must", e);
        }
    }
}
