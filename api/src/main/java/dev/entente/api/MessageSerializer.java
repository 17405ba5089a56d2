package dev.entente.api;

/**
 * Turns the result of a {@code @Publish} method into the bytes of its Kafka record, where JSON is not
 * wanted. Implementations need a public no-argument constructor; one instance serves every call.
 */
public interface MessageSerializer {

    byte[] serialize(String topic, Object value);
}
