package dev.entente.bootstrap;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * What instrumented JDBC code tells the runtime. Methods returning {@code boolean} answer "skip the
 * original call": the runtime did the work in XA terms instead (e.g. {@code commit()} became XA END +
 * PREPARE).
 */
public interface JdbcHook {

    JdbcHook NONE = new JdbcHook() {
    };

    /** {@code driver.connect(url, info)} returned {@code connection}, a physical connection. */
    default void connected(Driver driver, String url, Properties info, Connection connection) {
    }

    /**
     * A driver's static factory that its own DataSources call instead of {@code Driver.connect}
     * ({@code org.mariadb.jdbc.Driver.connect(Configuration)}, of class {@code factory}) returned
     * {@code connection}, a physical connection, for {@code configuration}.
     */
    default void connectedFrom(Class<?> factory, Object configuration, Connection connection) {
    }

    /** A {@code DataSource} (a pool, perhaps) handed out {@code connection}, perhaps a wrapper. */
    default void handedOut(Connection connection) throws SQLException {
    }

    /** {@code connection} creates a statement ({@code createStatement}, {@code prepareStatement}, {@code prepareCall}). */
    default void beforeStatement(Connection connection) throws SQLException {
    }

    default boolean beforeCommit(Connection connection) throws SQLException {
        return false;
    }

    default boolean beforeRollback(Connection connection) throws SQLException {
        return false;
    }

    default boolean beforeSetAutoCommit(Connection connection, boolean autoCommit) throws SQLException {
        return false;
    }

    /** True to skip the close: the runtime closes the connection itself later (after phase 2). */
    default boolean beforeClose(Connection connection) throws SQLException {
        return false;
    }
}
