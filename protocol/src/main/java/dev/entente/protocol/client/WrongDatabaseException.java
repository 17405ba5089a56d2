package dev.entente.protocol.client;

/**
 * A phase-2 command reached a database other than the one its branch prepared on (the address the RM
 * connects to now leads to another server, after a failover, say). That database's "unknown Xid" says
 * nothing of the branch: the command is not done, the branch stays in doubt where an operator sees it
 * ({@code tx show}, a metric), and the coordinator sends it again until the right database answers.
 */
public final class WrongDatabaseException extends Exception {

    public WrongDatabaseException(String message) {
        super(message);
    }
}
