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
 * return value.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Publish {

    /** The Kafka topic. */
    String topic();

    /** The record key, a template over the arguments and the result; empty means no key. */
    String key() default "";
}
