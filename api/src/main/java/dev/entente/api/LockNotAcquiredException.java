package dev.entente.api;

/**
 * A {@link Locked} method could not take its lock: another holder kept it past {@code waitMillis},
 * or ZooKeeper was not reachable or not configured. The method did not run and nothing of this
 * attempt is left in ZooKeeper. The message names the key and the wait.
 */
public class LockNotAcquiredException extends LockException {

    private final long waitMillis;

    public LockNotAcquiredException(String key, long waitMillis, String message, Throwable cause) {
        super(key, message, cause);
        this.waitMillis = waitMillis;
    }

    /** How long the method waited for the lock. */
    public long waitMillis() {
        return waitMillis;
    }
}
