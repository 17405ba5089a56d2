package dev.entente.bench.coordinator;

import dev.entente.bench.LoadOptions;
import dev.entente.bench.WorkloadArguments;
import dev.entente.bench.WorkloadJvm;
import dev.entente.bench.seata.SeataCoordinator;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Seata 2.0.0's coordinator in raft mode in row 1: clients of Seata's own TM (a JVM of module peers' Seata client per
 * point) run empty global transactions, begin and commit, the workload of Seata's published raft benchmark. A Seata
 * transaction has no branches here: Seata's branches are registered by its resource managers, which this row does
 * not run.
 */
final class SeataRaftCoordinator implements MeasuredCoordinator {

    static final String SYSTEM = "Seata raft";

    /** Module peers' row-1 workload. */
    private static final String WORKLOAD = "dev.entente.peers.seata.EmptyTransactions";

    private final SeataCoordinator coordinator;

    private SeataRaftCoordinator(SeataCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    static SeataRaftCoordinator start(int nodes, Path work) {
        return new SeataRaftCoordinator(SeataCoordinator.startRaft(nodes, work));
    }

    String addresses() {
        return coordinator.addresses();
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    @Override
    public int nodes() {
        return coordinator.size();
    }

    @Override
    public boolean runs(int branches) {
        return branches == 0;
    }

    @Override
    public Point measure(int branches, int concurrency, Duration warmup, Duration window) throws Exception {
        String[] loop = new WorkloadArguments(concurrency, warmup, window).toArguments().toArray(String[]::new);
        return new Point(WorkloadJvm.measure("Seata's empty transactions", coordinator.clientCommand(WORKLOAD, loop),
                LoadOptions.workloadTimeout(warmup, window)), Double.NaN, "");
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
