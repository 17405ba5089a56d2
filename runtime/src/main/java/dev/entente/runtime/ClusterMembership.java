package dev.entente.runtime;

import dev.entente.protocol.Xids;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which coordinator cluster this application belongs to: learned from the coordinator (the RM
 * session's welcome), never taken from configuration, so recovery touches only that cluster's XA
 * branches. The {@code cluster} setting, if given, is a check: a coordinator of another cluster is
 * refused loudly instead of having recovery silently skip every branch.
 */
public final class ClusterMembership {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    /** The coordinator adds '-' and ten random letters or digits to the name it is given. */
    private static final int RANDOM_SUFFIX = 11;

    private final Optional<String> expected;
    private volatile String clusterId;
    private volatile String mismatch;

    public ClusterMembership(Optional<String> expected) {
        this.expected = expected;
    }

    /** The cluster id the coordinator announced; true the first time one is learned and accepted. */
    synchronized boolean welcomed(String announced, String coordinator) {
        if (refused(announced, coordinator)) {
            return false;
        }
        mismatch = null;
        String previous = clusterId;
        clusterId = announced;
        if (previous != null && !previous.equals(announced)) {
            LOG.error("Entente: the coordinator's cluster id changed from '{}' to '{}' (its data was replaced?): prepared "
                    + "XA branches of '{}' are no longer recovered by this application; settle them by hand "
                    + "(see docs/operations.md)", previous, announced, previous);
        }
        return previous == null;
    }

    private boolean refused(String announced, String coordinator) {
        if (expected.isEmpty() || belongs(expected.get(), announced)) {
            return false;
        }
        if (mismatch == null) {
            LOG.error("Entente: the coordinator at {} is cluster '{}', but this application is configured for cluster '{}' "
                    + "(setting cluster): global transactions and recovery are refused until they agree", coordinator,
                    announced, expected.get());
        }
        mismatch = "the coordinator at " + coordinator + " is cluster '" + announced + "', but this application is "
                + "configured for cluster '" + expected.get() + "' (setting cluster / ENTENTE_CLUSTER / entente.cluster)";
        return true;
    }

    private static boolean belongs(String expected, String announced) {
        return announced.equals(expected)
                || (announced.length() == expected.length() + RANDOM_SUFFIX && announced.startsWith(expected + "-"));
    }

    /** The cluster's id, once the coordinator announced one this application accepts. */
    Optional<String> clusterId() {
        return mismatch == null ? Optional.ofNullable(clusterId) : Optional.empty();
    }

    /** Why this application refuses its coordinator, if it does. */
    public Optional<String> mismatch() {
        return Optional.ofNullable(mismatch);
    }
}
