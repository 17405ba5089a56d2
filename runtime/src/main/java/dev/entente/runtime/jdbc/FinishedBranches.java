package dev.entente.runtime.jdbc;

/**
 * Told each time phase 2 of one of this service's prepared branches ends here, whichever way it came
 * (right after the decision, by the coordinator's command, at the transaction's deadline, by recovery, or
 * rolled back because its vote missed the decision): the outcome the branch's own work met.
 */
@FunctionalInterface
public interface FinishedBranches {

    void finished(String xid, boolean committed);
}
