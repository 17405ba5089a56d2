package dev.entente.runtime.jdbc;

/**
 * A deliberate atomicity bug, off unless the system property {@value #PROPERTY} is {@code true}: the
 * fault-injection suite ({@code bin/entente chaos --planted-bug}) turns it on in its services to show
 * that its checker catches a broken commit protocol. Never set it anywhere else.
 *
 * <p>With it on, a branch commits its work at once (XA one-phase commit) where it should prepare, and
 * still votes "prepared": the coordinator is never asked, so a transaction that then rolls back keeps
 * this branch's work.
 */
final class PlantedBug {

    static final String PROPERTY = "entente.planted-bug.commit-without-asking";

    private PlantedBug() {
    }

    static boolean commitsWithoutAsking() {
        return Boolean.getBoolean(PROPERTY);
    }
}
