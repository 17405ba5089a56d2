package dev.entente.protocol;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of an Entente XID: {@code <cluster id>:<raft term>:<session>:<counter>:<deadline>}, minted
 * by the transaction manager itself (no Begin round trip). The cluster id is unique to the cluster, so
 * two clusters never share an XID; the term is that of the leader whose welcome granted the session
 * number, so a (term, session) pair names one RM session of one leader; the counter numbers the
 * session's transactions; the deadline (seconds since the epoch) is when the transaction rolls back if
 * it has not been decided. Session, counter and deadline are written in base 36 so that the whole XID
 * fits an XA gtrid (64 bytes).
 */
public final class Xids {

    /**
     * The SLF4J MDC key under which the coordinator and instrumented applications put the XID a log line
     * belongs to: {@code %X{entente.xid}} in a Logback or Log4j pattern.
     */
    public static final String LOG_KEY = "entente.xid";

    /** Cluster ids are short: an XID must fit an XA gtrid (64 bytes). */
    public static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    /** An XA gtrid holds at most 64 bytes. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern XID = Pattern.compile(
            "([A-Za-z0-9_.-]{1,32}):([0-9]{1,12}):([0-9a-z]{1,8}):([0-9a-z]{1,9}):([0-9a-z]{1,7})");

    private Xids() {
    }

    /**
     * @throws IllegalArgumentException if the parts do not make an XID of at most {@link #MAX_LENGTH} characters
     */
    public static String format(String clusterId, long term, long session, long counter, long deadlineMillis) {
        String xid = clusterId + ":" + term + ":" + Long.toString(session, 36) + ":" + Long.toString(counter, 36) + ":"
                + Long.toString(Math.floorDiv(deadlineMillis + 999, 1000), 36);
        if (!isWellFormed(xid)) {
            throw new IllegalArgumentException("cluster " + clusterId + ", term " + term + ", session " + session
                    + ", counter " + counter + " and deadline " + deadlineMillis + " do not make an XID of at most "
                    + MAX_LENGTH + " characters: " + xid);
        }
        return xid;
    }

    /** True if {@code xid} is well formed (any cluster). */
    public static boolean isWellFormed(String xid) {
        return xid != null && xid.length() <= MAX_LENGTH && xid.getBytes(StandardCharsets.UTF_8).length <= MAX_LENGTH
                && XID.matcher(xid).matches();
    }

    /** The cluster id part of a well-formed XID. */
    public static String clusterId(String xid) {
        return xid.substring(0, xid.indexOf(':'));
    }

    /** The Raft term of the leader that granted the XID's session. */
    public static long term(String xid) {
        return Long.parseLong(parts(xid).group(2));
    }

    /** The session number, unique within the term, of the RM session whose TM minted the XID. */
    public static long session(String xid) {
        return Long.parseLong(parts(xid).group(3), 36);
    }

    /** When the transaction rolls back if it is still undecided, in milliseconds since the epoch. */
    public static long deadlineMillis(String xid) {
        return Long.parseLong(parts(xid).group(5), 36) * 1000;
    }

    private static Matcher parts(String xid) {
        Matcher parts = XID.matcher(xid);
        if (!parts.matches()) {
            throw new IllegalArgumentException("'" + xid + "' is not an Entente XID");
        }
        return parts;
    }
}
