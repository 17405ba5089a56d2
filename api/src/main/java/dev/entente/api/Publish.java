package dev.entente.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes the method's return value to a Kafka topic: inside a global transaction if and only if
 * the transaction commits; outside one, after the method returns normally.
 *
 * <p>Key templates: {@code {0}} is the first argument, {@code {result.id}} a property of the
 * return value. The value is the return value as JSON (Jackson), or the bytes {@link #serializer()}
 * makes of it; a method that returns {@code null} publishes nothing. Records carry the headers
 * {@code entente-message-id} (stable across retries) and, inside a global transaction, {@code entente-xid}.
 * Consumers read with {@code isolation.level=read_committed}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Publish {

    /** The Kafka topic. */
    String topic();

    /** The record key, a template over the arguments and the result; empty means no key. */
    String key() default "";

    /** Makes the record's value; by default the return value as JSON. */
    Class<? extends MessageSerializer> serializer() default MessageSerializer.class;
}
