package dev.entente.coordinator.txn;

import java.security.SecureRandom;

/**
 * Mints a cluster's id when its log is created: the name the operator gave ({@code --cluster-id})
 * and a random part. Two clusters given the same name still never share an id, so an RM of one never
 * takes the other's prepared XA branches for its own (an XA RECOVER lists a whole MariaDB server).
 */
public final class ClusterIdentity {

    /** An XID's cluster part has at most 32 characters: the name, '-', and the random part. */
    public static final int MAX_NAME = 21;
    private static final int RANDOM_CHARACTERS = 10;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterIdentity() {
    }

    /**
     * True if {@code id} is the id of a cluster named {@code name}: minted from it, or the name itself (a log
     * written before cluster ids existed keeps its name as its id).
     */
    public static boolean isNamed(String id, String name) {
        return id.equals(name) || id.length() == name.length() + 1 + RANDOM_CHARACTERS && id.startsWith(name + "-");
    }

    /** {@code <name>-<10 random letters or digits>}: about 52 bits of randomness. */
    public static String mint(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("a cluster name has 1-" + MAX_NAME + " characters, got '" + name + "'");
        }
        StringBuilder id = new StringBuilder(name).append('-');
        for (int i = 0; i < RANDOM_CHARACTERS; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
