package dev.entente.api;

/**
 * A {@code @Publish} method's message could not be published: its key template did not resolve, it
 * could not be serialised, or the coordinator refused it (an unknown topic, a message larger than the
 * topic allows). Inside a global transaction the transaction is rolled back. The message names the
 * topic.
 */
public class PublishException extends GlobalTransactionException {

    private final String topic;

    public PublishException(String topic, String message, Throwable cause) {
        super(message, cause);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
