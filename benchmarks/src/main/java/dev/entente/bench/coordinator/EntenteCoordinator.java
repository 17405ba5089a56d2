package dev.entente.bench.coordinator;

import dev.entente.bench.ClosedLoop;
import dev.entente.bench.Measurement;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.client.CoordinatorAddresses;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.XidMint;
import dev.entente.testkit.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Entente's coordinator in row 1: clients run global transactions of 0..n no-op branches (an XID minted
 * by the client, the branches' PREPARED votes riding the Commit, which does not wait for phase 2, as the
 * runtime does for its own branches). The leader's {@code /metrics} before and after each point give the
 * group commit (decisions per Raft log flush) and the coordinator calls per transaction.
 */
final class EntenteCoordinator implements MeasuredCoordinator {

    static final String SYSTEM = "Entente";

    /** The client calls a transaction may make, as the leader counts them (entente_requests_total). */
    private static final List<String> CALLS = List.of("RegisterBranch", "ReportBranch", "Publish", "Commit", "Rollback", "Status");

    private final Deployment deployment;
    private final CoordinatorClient client;
    private final XidMint xids;
    private final NoOpResourceManagers resourceManagers;

    private EntenteCoordinator(Deployment deployment, CoordinatorClient client, XidMint xids, NoOpResourceManagers resourceManagers) {
        this.deployment = deployment;
        this.client = client;
        this.xids = xids;
        this.resourceManagers = resourceManagers;
    }

    /** A --dev node ({@code nodes} 1) or a cluster, with RM sessions for up to {@code maxBranches} branches. */
    static EntenteCoordinator start(int nodes, Path work, int maxBranches) {
        Deployment deployment = Deployment.start(nodes, work);
        CoordinatorClient client = new CoordinatorClient(CoordinatorAddresses.parse("coordinator", deployment.addresses()),
                Duration.ofSeconds(15), Duration.ofSeconds(10));
        XidMint xids = XidMint.withOwnSession(client, "bench", "bench-tm", Duration.ofSeconds(15));
        return new EntenteCoordinator(deployment, client, xids, new NoOpResourceManagers(client, maxBranches));
    }

    String addresses() {
        return deployment.addresses();
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    @Override
    public int nodes() {
        return deployment.nodes();
    }

    @Override
    public boolean runs(int branches) {
        return true;
    }

    @Override
    public Point measure(int branches, int concurrency, Duration warmup, Duration window) throws InterruptedException {
        String before = deployment.leaderMetrics();
        Measurement measurement = ClosedLoop.run(concurrency, warmup, window, () -> transaction(branches));
        String after = deployment.leaderMetrics();
        long decisions = delta(before, after, "entente_transactions_committed_total")
                + delta(before, after, "entente_transactions_rolled_back_total");
        long flushes = delta(before, after, "entente_raft_log_flushes_total");
        double perFlush = flushes == 0 ? Double.NaN : (double) decisions / flushes;
        long calls = 0;
        for (String method : CALLS) {
            calls += delta(before, after, "entente_requests_total{method=\"" + method + "\"}");
        }
        double callsPerTransaction = decisions == 0 ? Double.NaN : (double) calls / decisions;
        return new Point(measurement, perFlush, String.format("  %.1f decisions/flush  %.2f calls/tx", perFlush, callsPerTransaction));
    }

    private static long delta(String before, String after, String metric) {
        return PrometheusText.value(after, metric) - PrometheusText.value(before, metric);
    }

    /**
     * One global transaction with {@code branches} no-op branches that vote PREPARED, as the owner's own
     * branches do: unregistered, their votes riding the Commit, its XID minted here (one coordinator call
     * in all).
     */
    private void transaction(int branches) {
        String xid = xids.mint(0);
        List<BranchReport> votes = new ArrayList<>(branches);
        for (int i = 1; i <= branches; i++) {
            votes.add(BranchReport.newBuilder().setXid(xid).setBranchId(i).setVote(BranchVote.PREPARED)
                    .setResource(NoOpResourceManagers.resource(i)).setInstanceId(NoOpResourceManagers.instance(i)).build());
        }
        OutcomeReply reply = client.commit(xid, false, votes);
        if (reply.getOutcome() != Outcome.COMMITTED) {
            throw new IllegalStateException("transaction " + xid + " ended " + reply.getOutcome() + ": " + reply.getReason());
        }
    }

    @Override
    public void close() {
        resourceManagers.close();
        client.close();
        deployment.close();
    }
}
