package dev.entente.runtime.publish;

import dev.entente.runtime.KeyTemplate;

/**
 * What {@code @Publish} says on one method.
 *
 * @param method  {@code Class.method}, for messages
 * @param key     the record key's template, or null for records without a key
 * @param values  makes the record's value from the method's result
 */
public record PublishDefinition(String method, String topic, KeyTemplate key, MessageValues values) {
}
