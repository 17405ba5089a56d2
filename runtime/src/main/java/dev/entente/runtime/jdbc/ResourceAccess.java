package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import javax.transaction.xa.XAResource;

/**
 * How this service reaches one database for work outside the application's own connections (phase 2
 * and recovery): the way the application's latest physical connection to it was opened ({@link
 * ConnectionRecipe}: the driver, URL and properties, credentials included, so a rotated password is
 * followed as soon as the application's pool uses it), and a few connections opened that way on demand
 * and kept for the next use. A kept connection that failed (the server ended the session: a timeout,
 * a rotation that ends the old password's sessions) is replaced by a new one and the work run again. Phase-2 commands for different
 * branches run at once, each on a connection of its own: one shared connection would serialize every
 * {@code XA COMMIT} of the service on one database (each waits for the database's log flush), and
 * where a prepared branch holds the application's connection until its phase 2 ({@link HeldBranches}),
 * that queue would hold the application's pool hostage too.
 */
final class ResourceAccess {

    /** At most this many connections per database: more than the RM session's phase-2 workers (4) and recovery use at once. */
    static final int MAX_CONNECTIONS = 8;

    /** Work on an XAResource over one of this resource's own connections. */
    interface XaWork<T> {
        T run(XAResource xa) throws Exception;
    }

    /** Work on an XAResource and the connection under it (to ask which database it reached). */
    interface ConnectionWork<T> {
        T run(XAResource xa, Connection connection) throws Exception;
    }

    final String resource;
    final XaDialect dialect;
    private final XaResourceWrapper xaWrapper;
    /** The latest way the application opened a connection to this database; null until one is known. */
    private volatile ConnectionRecipe recipe;
    private final Semaphore inUse = new Semaphore(MAX_CONNECTIONS);
    /** Open connections between uses; guarded by this. */
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ResourceAccess(String resource, XaDialect dialect, XaResourceWrapper xaWrapper, ConnectionRecipe recipe) {
        this.resource = resource;
        this.dialect = dialect;
        this.xaWrapper = xaWrapper;
        this.recipe = recipe;
    }

    boolean canConnect() {
        return recipe != null;
    }

    /**
     * The application opened a connection to this database {@code recipe}'s way: Entente's next ones are
     * opened so too. Those already open stay: they are authenticated sessions, and one that the server
     * ends is replaced at its next use.
     */
    void openNextWith(ConnectionRecipe recipe) {
        this.recipe = recipe;
    }

    /**
     * Runs {@code work} on a connection of this resource's own (waiting while {@link #MAX_CONNECTIONS}
     * are busy); a failure closes that connection so the next use opens a fresh one.
     */
    <T> T withXaResource(XaWork<T> work) throws Exception {
        return withConnection((xa, connection) -> work.run(xa));
    }

    /**
     * {@link #withXaResource}, the work also given the connection. Work that failed on a kept connection
     * the server no longer serves runs once more on a new one: every work here (XA COMMIT and ROLLBACK,
     * whose repetition finds the branch finished; XA RECOVER; naming the database) may run twice.
     */
    <T> T withConnection(ConnectionWork<T> work) throws Exception {
        ConnectionRecipe opener = recipe;
        if (opener == null) {
            throw new SQLException("Entente cannot open connections to " + resource
                    + ": it has not seen how this service's connections to it are opened");
        }
        inUse.acquire();
        Hooks.internal(true);
        try {
            Connection kept = takeIdle();
            if (kept != null) {
                try {
                    return runOn(kept, work);
                } catch (Exception e) {
                    boolean alive = isAlive(kept);
                    closeQuietly(kept); // whatever failed, the next use opens a new one
                    if (alive) {
                        throw e;
                    }
                }
            }
            Connection fresh = opener.open();
            try {
                return runOn(fresh, work);
            } catch (Exception e) {
                closeQuietly(fresh);
                throw e;
            }
        } finally {
            Hooks.internal(false);
            inUse.release();
        }
    }

    /** Runs {@code work} on {@code connection}, kept for the next use if the work succeeds. */
    private <T> T runOn(Connection connection, ConnectionWork<T> work) throws Exception {
        T result = work.run(xaWrapper.wrap(resource, dialect.xaResource(connection)), connection);
        giveBack(connection);
        return result;
    }

    private Connection takeIdle() throws SQLException {
        Connection connection;
        synchronized (this) {
            if (closed) {
                throw new SQLException("the connections of Entente to " + resource + " are closed (the runtime is stopping)");
            }
            connection = idle.pollFirst();
        }
        return connection == null || connection.isClosed() ? null : connection;
    }

    /** Asked only after a failure, never on the way to the work: a kept connection costs no round trip. */
    private static boolean isAlive(Connection connection) {
        try {
            return connection.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private void giveBack(Connection connection) {
        synchronized (this) {
            if (!closed) {
                idle.addFirst(connection); // the most recently used first: a connection left idle long may time out
                return;
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced or the runtime stops
            }
        }
    }

    void close() {
        Hooks.internal(true);
        try {
            synchronized (this) {
                closed = true;
                idle.forEach(ResourceAccess::closeQuietly);
                idle.clear();
            }
        } finally {
            Hooks.internal(false);
        }
    }
}
