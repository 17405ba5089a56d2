package dev.entente.protocol.client;

import io.grpc.Status;

/** A coordinator call failed: no leader could be reached, or the coordinator refused the request. */
public class CoordinatorException extends RuntimeException {

    private final Status.Code code;

    public CoordinatorException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The gRPC status code of the last failure; {@code UNAVAILABLE} when no leader answered. */
    public Status.Code code() {
        return code;
    }

    /** True if the coordinator could not be reached or had no leader: the outcome of the call is unknown. */
    public boolean isUnavailable() {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }
}
