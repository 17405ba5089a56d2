package dev.entente.runtime.jdbc.xa;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;

/**
 * MariaDB Connector/J 3.x: {@code org.mariadb.jdbc.MariaDbPoolConnection(org.mariadb.jdbc.Connection)}
 * (the 3.x XAConnection; 2.x's {@code MariaXaConnection} over {@code MariaDbConnection} is not
 * supported, and such connections are left alone). The server must be MariaDB 10.5.2 or later for
 * prepared branches to survive a disconnect; an older one is refused ({@link #refuseServer}).
 *
 * <p>The constructor links the physical connection to the new XAConnection, and from then on the
 * driver's {@code Connection.close()} only notifies that XAConnection instead of closing: every
 * application connection Entente touched would leak. So the link the connection had before (null,
 * or the driver's own pool's) is put back at once; the XA resource does not need it.
 *
 * <p>What Connector/J 3.5 on MariaDB 10.11 and 11.4 does (pinned by {@code MariaDbXaDialectTest}):
 * <ul>
 *   <li>{@code start} leaves autocommit as it was (true stays true); the server runs every statement
 *       of the session inside the XA branch regardless.</li>
 *   <li>{@code prepare} always answers {@code XA_OK}, never {@code XA_RDONLY}, even for a branch that
 *       only read or did nothing.</li>
 *   <li><b>The preparing session stays bound to the prepared branch</b> until that same session
 *       commits or rolls it back, or disconnects: meanwhile its statements on tables fail with error
 *       1399 ({@code XAER_RMFAIL} "... in the PREPARED state"), and other sessions, though XA RECOVER
 *       lists the Xid, get {@code XAER_NOTA} for it. XAER_NOTA from another session therefore does not
 *       prove the branch finished while the preparing connection is alive.</li>
 *   <li>Once the preparing session is gone, any session can commit or roll back; a branch that wrote
 *       nothing then answers {@code XA_RBROLLBACK} (the server discarded it) and is gone.</li>
 *   <li>Committing or rolling back an Xid the server does not hold: {@code XAER_NOTA}.</li>
 *   <li>{@code start} with uncommitted local work: {@code XAER_OUTSIDE}.</li>
 *   <li>Recovery sees the prepared branches of the whole server, not only of this database.</li>
 * </ul>
 */
public final class MariaDbXaDialect implements XaDialect {

    /** The type a physical connection must be. */
    static final String CONNECTION_TYPE = "org.mariadb.jdbc.Connection";

    private final XaConnectionConstructor constructor =
            new XaConnectionConstructor(vendor(), "org.mariadb.jdbc.MariaDbPoolConnection", CONNECTION_TYPE);

    private final ClassValue<PoolLink> poolLinks = new ClassValue<>() {
        @Override
        protected PoolLink computeValue(Class<?> connectionClass) {
            return PoolLink.find(connectionClass);
        }
    };

    MariaDbXaDialect() {
    }

    @Override
    public String vendor() {
        return "mariadb";
    }

    @Override
    public XAResource xaResource(Connection physical) throws SQLException {
        PoolLink link = poolLinks.get(physical.getClass());
        Object before = link.get(physical);
        XAConnection xa = constructor.newXaConnection(physical);
        link.set(physical, before);
        return xa.getXAResource();
    }

    /**
     * The server's identity and the database of the URL the application connected with (a later
     * {@code USE} does not rename it): see {@link ResourceNames}.
     */
    @Override
    public String resourceName(Connection physical) throws SQLException {
        return ResourceNames.mysqlFamily(physical, ResourceNames.urlDatabase(vendor(), physical));
    }

    @Override
    public String address(Connection physical) {
        return ResourceNames.address(vendor(), 3306, physical);
    }

    @Override
    public boolean preparedBranchBindsSession() {
        return true;
    }

    /** MariaDB before 10.5.2 and MySQL before 5.7.7 lose prepared branches at disconnect ({@link MySqlServerVersion}). */
    @Override
    public Optional<String> refuseServer(String productVersion) {
        return MySqlServerVersion.refusal(productVersion);
    }

    /** The driver's {@code Connection.poolConnection} field and its setter, or why they are missing. */
    private record PoolLink(Field field, Method setter, String failure) {

        static PoolLink find(Class<?> connectionClass) {
            try {
                Class<?> type = Class.forName(CONNECTION_TYPE, false, connectionClass.getClassLoader());
                Field field = type.getDeclaredField("poolConnection");
                if (!field.trySetAccessible()) {
                    return new PoolLink(null, null, "mariadb: " + CONNECTION_TYPE + ".poolConnection is not accessible "
                            + "(driver in a named module?); without it Connection.close() would stop closing");
                }
                return new PoolLink(field, type.getMethod("setPoolConnection", field.getType()), null);
            } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
                return new PoolLink(null, null, "mariadb: the driver of " + connectionClass.getName()
                        + " has no poolConnection link as Connector/J 3.x has (" + e + "); this driver version is not supported for XA");
            }
        }

        Object get(Connection physical) throws SQLException {
            if (failure != null) {
                throw new SQLException(failure);
            }
            try {
                return field.get(physical);
            } catch (IllegalAccessException e) {
                throw new SQLException("mariadb: cannot read " + field + " of " + physical.getClass().getName(), e);
            }
        }

        void set(Connection physical, Object poolConnection) throws SQLException {
            try {
                setter.invoke(physical, poolConnection);
            } catch (InvocationTargetException e) {
                throw new SQLException("mariadb: " + setter + " failed on " + physical.getClass().getName() + ": "
                        + e.getCause(), e.getCause());
            } catch (IllegalAccessException e) {
                throw new SQLException("mariadb: cannot call " + setter + " on " + physical.getClass().getName(), e);
            }
        }
    }
}
