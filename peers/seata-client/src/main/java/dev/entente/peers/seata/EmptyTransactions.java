package dev.entente.peers.seata;

import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import io.seata.core.exception.TransactionException;
import io.seata.core.model.GlobalStatus;
import io.seata.tm.api.GlobalTransaction;
import io.seata.tm.api.GlobalTransactionContext;
import java.time.Duration;
import java.util.Set;

/**
 * Row 1's workload on Seata: each operation is one empty global transaction, begun and committed with
 * Seata's TM API (two coordinator calls, no branch), as in Seata's own raft benchmark. Prints one result line.
 *
 * <p>Arguments: clients, warm-up seconds, measured seconds.
 */
public final class EmptyTransactions {

    /**
     * What a commit of a transaction without branches answers: {@code AsyncCommitting} or {@code Committed}, or
     * {@code Finished} when the coordinator's background committer ended it before the answer was built.
     */
    private static final Set<GlobalStatus> COMMITTED = Set.of(GlobalStatus.Committed, GlobalStatus.AsyncCommitting, GlobalStatus.Finished);

    private EmptyTransactions() {
    }

    public static void main(String[] args) throws Exception {
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 0);
        SeataClient.startTransactionManager();
        SeataClient.awaitFirst(EmptyTransactions::beginAndCommit, Duration.ofSeconds(60));
        ResultLine.print(loop.run(EmptyTransactions::beginAndCommit));
        System.exit(0); // Seata's client leaves non-daemon threads behind
    }

    private static void beginAndCommit() throws TransactionException {
        GlobalTransaction transaction = GlobalTransactionContext.createNew();
        transaction.begin(SeataClient.TIMEOUT_MILLIS, "bench-empty");
        transaction.commit();
        GlobalStatus status = transaction.getStatus();
        if (!COMMITTED.contains(status)) {
            throw new IllegalStateException("Seata's coordinator answered " + status + " to the commit of " + transaction.getXid());
        }
    }
}
