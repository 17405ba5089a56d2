package dev.entente.api;

/** Propagation rules of {@link GlobalTransactional}, with the meaning they have in Spring and JTA. */
public enum Propagation {
    /** Join the caller's global transaction, or begin one if there is none. */
    REQUIRED,
    /** Suspend the caller's global transaction, if any, and begin a new one. */
    REQUIRES_NEW,
    /** Suspend the caller's global transaction, if any, and run without one. */
    NOT_SUPPORTED,
    /** Join the caller's global transaction; fail if there is none. */
    MANDATORY,
    /** Run without a global transaction; fail if the caller has one. */
    NEVER
}
