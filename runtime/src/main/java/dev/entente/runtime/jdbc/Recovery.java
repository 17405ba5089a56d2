package dev.entente.runtime.jdbc;

import dev.entente.protocol.Outcome;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaRecovery;
import dev.entente.runtime.metrics.MeterDefinition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles in-doubt branches: scans each database this service reached ({@code XA RECOVER}, only this
 * cluster's Entente Xids), asks the coordinator for each branch's outcome with {@code abortIfUndecided}
 * (a branch the commit decision does not name rolls back; an XID no decision names and past its
 * deadline gets a written abort first, so no late Commit can follow), and commits or rolls back. One
 * that may still commit (ACTIVE: undecided and before its deadline) is left for a later scan.
 */
public final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final ResourceManager resources;
    private final PhaseTwo phaseTwo;
    private final Supplier<CoordinatorClient> coordinator;
    private final Supplier<Optional<String>> clusterId;
    /** Per database reached: the branches of this cluster its last scan found prepared and left unsettled. */
    private final Map<String, Integer> unsettled = new ConcurrentHashMap<>();
    /** Per database whose last scan failed: why. */
    private final Map<String, String> scanFailures = new ConcurrentHashMap<>();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder failed = new LongAdder();

    /** @param clusterId the cluster's id as its coordinator announced it; nothing is scanned before it is known */
    public Recovery(ResourceManager resources, Supplier<CoordinatorClient> coordinator, Supplier<Optional<String>> clusterId) {
        this.resources = resources;
        this.phaseTwo = resources.phaseTwo();
        this.coordinator = coordinator;
        this.clusterId = clusterId;
    }

    /** Scans every database reached so far. */
    public void scanAll() {
        for (ResourceAccess access : resources.resources()) {
            if (access.canConnect()) {
                scan(access.resource);
            }
        }
    }

    /** Scans one database; returns how many branches it settled. */
    public int scan(String resource) {
        ResourceAccess access = resources.resources().stream().filter(a -> a.resource.equals(resource)).findFirst().orElse(null);
        Optional<String> cluster = clusterId.get();
        if (access == null || !access.canConnect() || cluster.isEmpty()) {
            return 0;
        }
        List<BranchXid> inDoubt;
        try {
            inDoubt = access.withXaResource(xa -> XaRecovery.recover(xa, cluster.get()));
        } catch (Exception e) {
            LOG.warn("recovery scan of {} failed: {}", resource, e.getMessage());
            scanFailures.put(resource, String.valueOf(e.getMessage()));
            return 0;
        }
        scanFailures.remove(resource);
        int settled = 0;
        int left = 0;
        for (BranchXid xid : inDoubt) {
            if (resources.isActive(xid)) {
                continue;
            }
            try {
                Outcome outcome = coordinator.get().status(xid.globalXid(), xid.branchId(), true).getOutcome();
                if (outcome == Outcome.ACTIVE) {
                    left++;
                    continue;
                }
                boolean commit = outcome == Outcome.COMMITTED;
                phaseTwo.finish(access, xid, commit);
                LOG.info("recovery {} branch {} of {} on {} (coordinator: {})", commit ? "committed" : "rolled back",
                        xid.branchId(), xid.globalXid(), resource, outcome);
                settled++;
                (commit ? committed : rolledBack).increment();
            } catch (Exception e) {
                left++;
                failed.increment();
                LOG.warn("recovery of branch {} of {} on {} failed: {}; next scan retries", xid.branchId(), xid.globalXid(),
                        resource, e.getMessage());
            }
        }
        unsettled.put(resource, left);
        return settled;
    }

    /** Branches of this cluster that the last scans found prepared and could not settle yet (their transaction still runs, or the coordinator did not answer). */
    public int unsettledBranches() {
        return unsettled.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The databases whose last scan failed, with why. */
    public Map<String, String> scanFailures() {
        return Map.copyOf(scanFailures);
    }

    /** Recovery's meters: what it did with the branches it found, and how many it left in doubt. */
    public List<MeterDefinition> meters() {
        String actions = "entente.rm.recovery.actions";
        String description = "Prepared branches of this cluster that recovery settled (committed, rolled back) or failed to";
        return List.of(
                MeterDefinition.counter(actions, description, "{branch}", committed::sum).tagged("outcome", "committed"),
                MeterDefinition.counter(actions, description, "{branch}", rolledBack::sum).tagged("outcome", "rolled.back"),
                MeterDefinition.counter(actions, description, "{branch}", failed::sum).tagged("outcome", "failed"),
                MeterDefinition.gauge("entente.rm.recovery.in.doubt", "Prepared branches of this cluster the last recovery scans "
                        + "found and could not settle yet", "{branch}", this::unsettledBranches));
    }
}
