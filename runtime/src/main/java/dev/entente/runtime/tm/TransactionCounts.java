package dev.entente.runtime.tm;

import dev.entente.runtime.metrics.Distribution;
import dev.entente.runtime.metrics.MeterDefinition;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the transaction manager counts of the global transactions this process begins, by how each ended
 * here. The coordinator counts decisions cluster-wide; these say what the application saw, including the
 * ones whose outcome it could not learn.
 */
final class TransactionCounts {

    private static final String UNIT = "{transaction}";

    final LongAdder begun = new LongAdder();
    final LongAdder committed = new LongAdder();
    final LongAdder rolledBack = new LongAdder();
    final LongAdder unknown = new LongAdder();
    /** How long each Commit took to be answered with the decision. */
    final Distribution commitTimes = new Distribution();
    /** How many branches, of every service, the transaction of each answered Commit had (as the coordinator counted them). */
    final Distribution branches = new Distribution();

    /** The counts as meters, and {@code active}: begun here and not ended yet. */
    List<MeterDefinition> meters(LongSupplier active) {
        return List.of(
                MeterDefinition.counter("entente.tm.transactions.begun", "Global transactions this process began", UNIT, begun::sum),
                MeterDefinition.counter("entente.tm.transactions.committed", "Global transactions this process began that committed",
                        UNIT, committed::sum),
                MeterDefinition.counter("entente.tm.transactions.rolled.back",
                        "Global transactions this process began that rolled back (an exception, a participant's failure, a "
                                + "refused commit, a timeout)", UNIT, rolledBack::sum),
                MeterDefinition.counter("entente.tm.transactions.unknown",
                        "Global transactions this process began whose outcome it could not learn (the coordinator did not "
                                + "answer the Commit; recovery settles them)", UNIT, unknown::sum),
                MeterDefinition.gauge("entente.tm.transactions.active", "Global transactions this process began and has not ended",
                        UNIT, active),
                MeterDefinition.timer("entente.tm.commit", "From the Commit of a global transaction this process began to "
                        + "the coordinator's decision", commitTimes),
                MeterDefinition.summary("entente.tm.transaction.branches", "Branches, of every service, of a global transaction "
                        + "this process began and asked to commit", "{branch}", branches));
    }
}
