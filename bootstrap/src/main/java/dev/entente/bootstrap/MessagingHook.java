package dev.entente.bootstrap;

/**
 * What instrumented message clients tell the runtime: a record the application sends itself leaves
 * under a global transaction. Records are typed {@code Object}: this bootstrap class cannot see the
 * client library.
 */
public interface MessagingHook {

    MessagingHook NONE = new MessagingHook() {
    };

    /**
     * A Kafka {@code ProducerRecord} is about to be sent under global transaction {@code xid}: it gets
     * the header {@link HttpHook#XID_HEADER}, as {@code @Publish}'s records have, so that its consumers
     * see which transaction sent it. Never the token: a record outlives the transaction and anyone who
     * reads the topic may read it.
     */
    default void recordSending(Object record, String xid) {
    }
}
