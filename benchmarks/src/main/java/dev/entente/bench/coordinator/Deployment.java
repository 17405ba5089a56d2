package dev.entente.bench.coordinator;

import dev.entente.testkit.CoordinatorCluster;
import dev.entente.testkit.CoordinatorProcess;
import java.nio.file.Path;
import java.util.function.Supplier;

/** A running coordinator of some size: one --dev node, or a cluster of separate processes. */
final class Deployment implements AutoCloseable {

    private final int nodes;
    private final String addresses;
    private final Supplier<CoordinatorProcess> leader;
    private final Runnable stop;

    private Deployment(int nodes, String addresses, Supplier<CoordinatorProcess> leader, Runnable stop) {
        this.nodes = nodes;
        this.addresses = addresses;
        this.leader = leader;
        this.stop = stop;
    }

    static Deployment start(int nodes, Path work) {
        if (nodes == 1) {
            CoordinatorProcess node = CoordinatorProcess.dev(work.resolve("1-node")).start().awaitServing();
            return new Deployment(1, node.clientAddress(), () -> node, node::close);
        }
        CoordinatorCluster cluster = new CoordinatorCluster(work.resolve(nodes + "-nodes"), nodes).start();
        return new Deployment(nodes, cluster.addresses(), cluster::awaitLeader, cluster::close);
    }

    int nodes() {
        return nodes;
    }

    String addresses() {
        return addresses;
    }

    /** The leader's Prometheus page. */
    String leaderMetrics() {
        return leader.get().admin("/metrics");
    }

    @Override
    public void close() {
        stop.run();
    }
}
