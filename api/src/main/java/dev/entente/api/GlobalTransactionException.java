package dev.entente.api;

/**
 * A global transaction could not begin or end as asked: the coordinator is unreachable, a propagation
 * rule was broken, or the outcome of a commit is unknown. The message names the method, the XID and
 * the coordinator involved.
 */
public class GlobalTransactionException extends RuntimeException {

    public GlobalTransactionException(String message, Throwable cause) {
        super(message, cause);
    }
}
