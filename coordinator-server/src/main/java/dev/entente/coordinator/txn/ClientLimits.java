package dev.entente.coordinator.txn;

/**
 * What one client may make the leader hold (node options {@code --max-*}, see NodeOptionTable): with
 * them, the leader's memory for undecided transactions is bounded by the number of applications times
 * {@code transactionsPerApp} times {@code branchesPerTransaction} branches of bounded size, plus
 * {@code heldMessageBytes}; the topic-settings cache holds at most {@code cachedTopics} entries and at
 * most {@code topicLookups} calls wait on Kafka for one at a time. Past a limit a call is refused with
 * {@link Rejection.Kind#LIMIT}, naming the limit and its option.
 */
public record ClientLimits(int transactionsPerApp, int branchesPerTransaction, int messagesPerTransaction,
                           long messageBytesPerTransaction, long heldMessageBytes, int cachedTopics, int topicLookups) {

    /** A transaction's messages travel in its decision record: they must fit one Raft log entry comfortably. */
    public static final long MAX_MESSAGE_BYTES_PER_TRANSACTION = 2L << 20;

    /** The defaults of the node options. */
    public static final ClientLimits DEFAULTS = new ClientLimits(10_000, 100, 1000, MAX_MESSAGE_BYTES_PER_TRANSACTION,
            256L << 20, 10_000, 4);
}
