package dev.entente.protocol.client;

import dev.entente.protocol.SessionWelcome;

/** Told what an RM session learns from the leader, on the session's thread. */
public interface SessionListener {

    /** A leader welcomed the session: its cluster id, and the grant this instance's TM mints XIDs from. */
    void welcomed(SessionWelcome welcome);

    /**
     * The last welcome's grant may be of a term that is ending: the stream broke, or the leader said it
     * is handing over. XIDs are minted again from the next welcome.
     */
    default void grantWithdrawn() {
    }

    /**
     * The session was never welcomed and its latest attempt at every coordinator address failed before
     * reaching a coordinator ({@code why}, per address): it keeps trying; told again after each failed attempt.
     */
    default void unreachable(String why) {
    }
}
