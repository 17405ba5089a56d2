package dev.entente.runtime.jdbc;

/**
 * Where the resource manager tells the coordinator, unasked, of the branches it finished itself right
 * after their transaction's decision (the owner's RM does phase 2 of its own branches): the RM
 * session. An acknowledgement lost on the way costs only a command the branch answers as finished.
 */
@FunctionalInterface
public interface PhaseTwoAcks {

    void finishedHere(String xid, long branchId);
}
