package dev.entente.runtime.lock;

import dev.entente.runtime.KeyTemplate;

/**
 * What {@code @Locked} says on one method.
 *
 * @param method     {@code Class.method}, for messages
 * @param waitMillis 0 for the configured default
 */
public record LockDefinition(String method, KeyTemplate key, long waitMillis) {
}
