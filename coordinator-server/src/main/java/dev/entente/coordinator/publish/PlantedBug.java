package dev.entente.coordinator.publish;

/**
 * A deliberate publishing bug, off unless the system property {@value #PROPERTY} is {@code true}: the
 * fault-injection suite ({@code bin/entente chaos --planted-bug publish-twice}) turns it on in its
 * coordinator nodes to show that its checker catches a message published more than once. Never set it
 * anywhere else.
 *
 * <p>With it on, every message of a committed transaction is sent twice in its Kafka transaction, as a
 * producer that retries a send without idempotence would: {@code read_committed} consumers see it twice.
 */
final class PlantedBug {

    static final String PROPERTY = "entente.planted-bug.publish-twice";

    private PlantedBug() {
    }

    /** How many times each message is sent: 1, or 2 with the bug on. */
    static int copiesOfEachMessage() {
        return Boolean.getBoolean(PROPERTY) ? 2 : 1;
    }
}
