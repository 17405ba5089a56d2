package dev.entente.api;

/**
 * A {@link Locked} lock was lost while held (the ZooKeeper connection was suspended or the session
 * expired), so another process may hold it now. Inside a global transaction the transaction rolls
 * back; outside one, the method's own work stands but was not protected to its end.
 */
public class LockLostException extends LockException {

    public LockLostException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
