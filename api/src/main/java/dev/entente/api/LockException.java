package dev.entente.api;

/** A {@link Locked} lock could not be taken, or was lost while held. The message names the key. */
public class LockException extends RuntimeException {

    private final String key;

    public LockException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The lock's key, as resolved from the method's arguments. */
    public String key() {
        return key;
    }
}
