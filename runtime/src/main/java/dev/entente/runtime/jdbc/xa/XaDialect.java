package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.transaction.xa.XAResource;

/**
 * How one vendor's JDBC driver does XA over a connection the application already holds. Found with
 * {@link XaDialects#forConnection(Connection)}; the vendor classes are reached by reflection through
 * the physical connection's own class loader, so the runtime depends on no driver.
 *
 * <p>What every dialect guarantees (pinned by {@code XaDialectContract} against real servers):
 * after {@code start} on {@link #xaResource}, statements run directly on the physical connection
 * belong to the branch; {@code prepare} answers {@code XA_OK} (no vendor here answers
 * {@code XA_RDONLY}); one-phase commit works; a prepared branch survives the connection's close (and
 * a server restart) and can then be committed or rolled back from any other connection to the same
 * database; finishing an Xid the database no longer holds fails with {@code XAER_NOTA}. Where they
 * differ (autocommit during the branch, whether the preparing session stays bound to the prepared
 * branch) each dialect's javadoc says what its vendor does.
 */
public interface XaDialect {

    /** {@code postgresql}, {@code mariadb} or {@code mysql}: the driver's vendor. */
    String vendor();

    /**
     * The driver's own XA resource over this very connection (no second connection is opened).
     * {@code start}, {@code end} and {@code prepare} of one branch must go through the same returned
     * instance; phase 2 and recovery may use any. The resource's XAConnection is never closed:
     * the physical connection stays the application's, and closing it still closes it.
     *
     * @throws SQLException naming the vendor and driver classes if the driver has no usable XA class
     */
    XAResource xaResource(Connection physical) throws SQLException;

    /**
     * The name of the database this connection reaches, made of its server's own identity and the
     * database ({@code postgresql://<system identifier>/orders}, see {@code ResourceNames}): the same
     * from any connection to it whatever address reached it, different for any other server, stable
     * across restarts. One query on the connection.
     *
     * @throws SQLException naming what was tried and what fixes it if the server's identity cannot be read
     */
    String resourceName(Connection physical) throws SQLException;

    /**
     * Where the connection's URL says the server is ({@code host:port}): what an operator knows the
     * database by, for logs and messages, never a name. No query.
     */
    String address(Connection physical);

    /**
     * Whether the session that prepared a branch stays bound to it until that session finishes it or
     * disconnects (MariaDB, and MySQL before 8.0.29): the connection can do no other work meanwhile,
     * and other sessions cannot finish the branch. PostgreSQL frees the session at prepare.
     */
    default boolean preparedBranchBindsSession() {
        return false;
    }

    /**
     * Why a server reporting {@code productVersion} ({@code DatabaseMetaData.getDatabaseProductVersion()})
     * must not hold branches of global transactions, or empty if it may. A server that rolls a prepared
     * branch back when the session that prepared it disconnects would lose work a transaction committed
     * if the service died between its vote and phase 2. PostgreSQL keeps prepared transactions in every
     * version it has them (8.1 and later).
     */
    default Optional<String> refuseServer(String productVersion) {
        return Optional.empty();
    }
}
