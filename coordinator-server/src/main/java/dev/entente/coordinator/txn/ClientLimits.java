package dev.entente.coordinator.txn;

/**
 * What clients may make the leader hold (node options {@code --max-*}, see NodeOptionTable): all
 * undecided transactions together at most {@code heldBytes} (their branches, messages and a fixed
 * amount each, see {@link HeldBytes}); one application at most {@code transactionsPerApp} of them, so
 * that it cannot take every slot; one transaction at most {@code branchesPerTransaction} branches and
 * {@code messagesPerTransaction} messages of {@code messageBytesPerTransaction} bytes. The
 * topic-settings cache holds at most {@code cachedTopics} entries and at most {@code topicLookups} calls
 * wait on Kafka at once. Past a limit a call is refused with {@link Rejection.Kind#LIMIT}, naming the
 * limit and its option.
 */
public record ClientLimits(int transactionsPerApp, int branchesPerTransaction, int messagesPerTransaction,
                           long messageBytesPerTransaction, long heldBytes, int cachedTopics, int topicLookups) {

    /** A transaction's messages travel in its decision record: they must fit one Raft log entry comfortably. */
    public static final long MAX_MESSAGE_BYTES_PER_TRANSACTION = 2L << 20;

}
