package dev.entente.protocol;

import java.util.regex.Pattern;

/**
 * The shape of an Entente XID: {@code <cluster id>:<raft term>:<sequence>}. The cluster id is unique to
 * the cluster (its name and the random part its first leader added), so two clusters never share an
 * XID; the term makes XIDs unique across leaders: each leader numbers the transactions it begins within
 * its own term.
 */
public final class Xids {

    /**
     * The SLF4J MDC key under which the coordinator and instrumented applications put the XID a log line
     * belongs to: {@code %X{entente.xid}} in a Logback or Log4j pattern.
     */
    public static final String LOG_KEY = "entente.xid";

    /** Cluster ids are short: an XID must fit an XA gtrid (64 bytes). */
    public static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private static final Pattern XID = Pattern.compile("([A-Za-z0-9_.-]{1,32}):([0-9]{1,12}):([0-9]{1,18})");

    private Xids() {
    }

    public static String format(String clusterId, long term, long sequence) {
        return clusterId + ":" + term + ":" + sequence;
    }

    /** True if {@code xid} is well formed (any cluster). */
    public static boolean isWellFormed(String xid) {
        return xid != null && XID.matcher(xid).matches();
    }

    /** The cluster id part of a well-formed XID. */
    public static String clusterId(String xid) {
        return xid.substring(0, xid.indexOf(':'));
    }

    /** The Raft term in which the XID was begun. */
    public static long term(String xid) {
        int first = xid.indexOf(':');
        return Long.parseLong(xid.substring(first + 1, xid.indexOf(':', first + 1)));
    }
}
