package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import javax.transaction.xa.XAResource;

/**
 * How this service reaches one database for work outside the application's own connections (phase 2
 * and recovery): the driver, URL and properties of the first physical connection seen to it, and a few
 * connections opened from them on demand and kept for the next use. Phase-2 commands for different
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
    private final Driver driver;
    private final String url;
    private final Properties info;
    private final Semaphore inUse = new Semaphore(MAX_CONNECTIONS);
    /** Open connections between uses; guarded by this. */
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ResourceAccess(String resource, XaDialect dialect, XaResourceWrapper xaWrapper, Driver driver, String url, Properties info) {
        this.resource = resource;
        this.dialect = dialect;
        this.xaWrapper = xaWrapper;
        this.driver = driver;
        this.url = url;
        this.info = info;
    }

    boolean canConnect() {
        return driver != null;
    }

    /**
     * Runs {@code work} on a connection of this resource's own (waiting while {@link #MAX_CONNECTIONS}
     * are busy); a failure closes that connection so the next use opens a fresh one.
     */
    <T> T withXaResource(XaWork<T> work) throws Exception {
        return withConnection((xa, connection) -> work.run(xa));
    }

    /** {@link #withXaResource}, the work also given the connection. */
    <T> T withConnection(ConnectionWork<T> work) throws Exception {
        if (driver == null) {
            throw new SQLException("Entente cannot open connections to " + resource
                    + ": none of this service's connections to it came through java.sql.Driver.connect");
        }
        inUse.acquire();
        Connection connection = null;
        Hooks.internal(true);
        try {
            connection = lease();
            T result = work.run(xaWrapper.wrap(resource, dialect.xaResource(connection)), connection);
            giveBack(connection);
            return result;
        } catch (Exception e) {
            closeQuietly(connection);
            throw e;
        } finally {
            Hooks.internal(false);
            inUse.release();
        }
    }

    private Connection lease() throws SQLException {
        Connection connection;
        synchronized (this) {
            if (closed) {
                throw new SQLException("the connections of Entente to " + resource + " are closed (the runtime is stopping)");
            }
            connection = idle.pollFirst();
        }
        if (connection != null && !connection.isClosed()) {
            return connection;
        }
        connection = driver.connect(url, info);
        if (connection == null) {
            throw new SQLException("driver " + driver.getClass().getName() + " refused the URL of " + resource);
        }
        return connection;
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
