package dev.entente.chaos;

/**
 * What the nemesis can do, each with the row of DESIGN.md's failure table it exercises. Every fault
 * is healed after its hold time: a killed process is started again, a cut connection restored.
 */
enum Fault {
    /** kill -9 of the PostgreSQL or the MariaDB account service (RM dies, perhaps after prepare). */
    KILL_ACCOUNT_SERVICE("an RM dies after prepare"),
    /** kill -9 of the transfer service, the TM, perhaps before Commit. */
    KILL_TRANSFER_SERVICE("the app (TM) dies before Commit"),
    /** kill -9 of the coordinator leader, before or after a decision is committed. */
    KILL_LEADER("the coordinator leader dies before/after the decision is committed"),
    /** kill -9 of one coordinator follower. */
    KILL_FOLLOWER("a minority of coordinator nodes is down"),
    /** kill -9 of the leader and one follower: no quorum until they are back. */
    KILL_MAJORITY("a majority is down"),
    /** Every connection between one service and the coordinator cluster cut. */
    PARTITION_SERVICE("an RM dies after prepare (cut off instead of dead); the TM dies before Commit"),
    /** Every Raft connection to and from the leader cut: it is cut off from the other two. */
    ISOLATE_LEADER("the coordinator leader dies before/after the decision (cut off instead of dead)"),
    /** Every Raft connection to and from one follower cut. */
    ISOLATE_FOLLOWER("a minority of coordinator nodes is cut off"),
    /** Restart of the suite's own embedded PostgreSQL or MariaDB server. */
    RESTART_DATABASE("a database restarts between prepare and commit"),
    /** An account service cut off from ZooKeeper past its session timeout: its session expires, its locks are lost. */
    ZOOKEEPER_SESSION_LOSS("the ZooKeeper session holding a @Locked lock is lost"),
    /** The Kafka broker the transfer events go to stopped, and started again after the hold. */
    RESTART_KAFKA("Kafka is down at commit time"),
    /**
     * Every coordinator node in turn stopped with SIGTERM and started again, the next one only once
     * every node follows the leader again, as in an upgrade (the hold is not used).
     */
    ROLLING_RESTART("the leader is stopped (SIGTERM); a node comes back");

    private final String failureRow;

    Fault(String failureRow) {
        this.failureRow = failureRow;
    }

    /** The row of DESIGN.md's failure table this fault exercises. */
    String failureRow() {
        return failureRow;
    }
}
