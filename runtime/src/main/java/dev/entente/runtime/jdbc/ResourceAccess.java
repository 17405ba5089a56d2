package dev.entente.runtime.jdbc;

import dev.entente.bootstrap.Hooks;
import dev.entente.runtime.jdbc.xa.XaDialect;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import javax.transaction.xa.XAResource;

/**
 * How this service reaches one database for work outside the application's own connections (phase 2
 * and recovery): the driver, URL and properties of the first physical connection seen to it, and one
 * cached connection opened from them.
 */
final class ResourceAccess {

    /** Work on an XAResource over the cached connection. */
    interface XaWork<T> {
        T run(XAResource xa) throws Exception;
    }

    final String resource;
    final XaDialect dialect;
    private final Driver driver;
    private final String url;
    private final Properties info;
    private Connection connection;

    ResourceAccess(String resource, XaDialect dialect, Driver driver, String url, Properties info) {
        this.resource = resource;
        this.dialect = dialect;
        this.driver = driver;
        this.url = url;
        this.info = info;
    }

    boolean canConnect() {
        return driver != null;
    }

    /** Runs {@code work} on this resource's own connection; a failure closes it so the next call reconnects. */
    synchronized <T> T withXaResource(XaWork<T> work) throws Exception {
        if (driver == null) {
            throw new SQLException("Entente cannot open connections to " + resource
                    + ": none of this service's connections to it came through java.sql.Driver.connect");
        }
        Hooks.internal(true);
        try {
            if (connection == null || connection.isClosed()) {
                connection = driver.connect(url, info);
                if (connection == null) {
                    throw new SQLException("driver " + driver.getClass().getName() + " refused the URL of " + resource);
                }
            }
            return work.run(dialect.xaResource(connection));
        } catch (Exception e) {
            closeQuietly();
            throw e;
        } finally {
            Hooks.internal(false);
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
            connection = null;
        }
    }

    synchronized void close() {
        Hooks.internal(true);
        try {
            closeQuietly();
        } finally {
            Hooks.internal(false);
        }
    }
}
