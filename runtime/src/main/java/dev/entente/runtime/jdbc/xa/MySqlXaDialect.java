package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.transaction.xa.XAResource;

/**
 * MySQL Connector/J (8.x, 9.x): {@code com.mysql.cj.jdbc.MysqlXAConnection(JdbcConnection, false)}
 * over the application's {@code ConnectionImpl}. Prepared branches survive a disconnect on MySQL
 * 5.7.7 and later and on MariaDB 10.5.2 and later; older servers are refused ({@link #refuseServer}).
 *
 * <p>What Connector/J 9.4 does, tested against MariaDB 11.4/10.11 only, there being no MySQL server
 * here (pinned by {@code MySqlXaDialectTest}): everything the server decides is as in
 * {@link MariaDbXaDialect} (no {@code XA_RDONLY}; the preparing session stays bound, so other sessions
 * get {@code XAER_NOTA} meanwhile; {@code XA_RBROLLBACK} for a detached read-only branch;
 * {@code XAER_OUTSIDE} for {@code start} over local work; {@code XAER_NOTA} for unknown Xids).
 * Autocommit is left alone by {@code start}. One driver difference: {@code close()} of a connection in
 * manual-commit mode whose session is bound to a prepared branch throws ({@code XAER_RMFAIL}: its
 * rollback-at-close is refused), though the connection does close and the branch stays prepared.
 * MySQL 8.0.29 and later detach the branch at prepare ({@code xa_detach_on_prepare}, on by default),
 * which would free the session as PostgreSQL does; not verified here.
 */
public final class MySqlXaDialect implements XaDialect {

    /** The type a physical connection must implement; ConnectionImpl does. */
    static final String CONNECTION_TYPE = "com.mysql.cj.jdbc.JdbcConnection";

    private final XaConnectionConstructor constructor = new XaConnectionConstructor(vendor(),
            "com.mysql.cj.jdbc.MysqlXAConnection", CONNECTION_TYPE, new Class<?>[] {boolean.class}, false);

    MySqlXaDialect() {
    }

    @Override
    public String vendor() {
        return "mysql";
    }

    @Override
    public XAResource xaResource(Connection physical) throws SQLException {
        return constructor.newXaConnection(physical).getXAResource();
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
}
