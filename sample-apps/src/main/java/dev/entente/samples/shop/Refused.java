package dev.entente.samples.shop;

/**
 * A business refusal with the HTTP status that carries it: out of stock, balance short, bad input.
 * A RuntimeException, so a {@code @GlobalTransactional} method that lets it escape rolls back.
 */
public final class Refused extends RuntimeException {

    private final int status;

    public Refused(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
