package dev.entente.runtime.jdbc.xa;

import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAResource;

/**
 * PostgreSQL through pgjdbc: {@code org.postgresql.xa.PGXAConnection(BaseConnection)} over the
 * application's {@code PgConnection}. The server needs {@code max_prepared_transactions > 0}.
 *
 * <p>What pgjdbc 42.7 on PostgreSQL 14/15 does (pinned by {@code PostgresXaDialectTest}):
 * <ul>
 *   <li>{@code start} switches the connection's autocommit off; {@code prepare}, one-phase
 *       {@code commit} and {@code rollback} put back the mode it had at {@code start}.</li>
 *   <li>{@code prepare} always answers {@code XA_OK}, never {@code XA_RDONLY}: a branch that only read
 *       (or did nothing) stays prepared and needs its phase 2 like any other.</li>
 *   <li>After {@code prepare} the connection is free: ordinary work runs at once, and phase 2 can be
 *       issued from any connection to the database, even while the preparing one is still open.</li>
 *   <li>Phase 2 needs a connection with no open local transaction, else {@code XAER_RMERR}
 *       ("2nd phase commit must be issued using an idle connection").</li>
 *   <li>Committing or rolling back an Xid the database does not hold: {@code XAER_NOTA}.</li>
 *   <li>{@code start} on a connection with uncommitted local work (autocommit off) is accepted and
 *       that work silently becomes part of the branch.</li>
 *   <li>Recovery sees only the prepared transactions of the connection's own database.</li>
 * </ul>
 */
public final class PostgresXaDialect implements XaDialect {

    /** The type a physical connection must implement; PgConnection does. */
    static final String CONNECTION_TYPE = "org.postgresql.core.BaseConnection";

    private final XaConnectionConstructor constructor =
            new XaConnectionConstructor(vendor(), "org.postgresql.xa.PGXAConnection", CONNECTION_TYPE);

    PostgresXaDialect() {
    }

    @Override
    public String vendor() {
        return "postgresql";
    }

    @Override
    public XAResource xaResource(Connection physical) throws SQLException {
        return constructor.newXaConnection(physical).getXAResource();
    }

    /** {@code postgresql://<system_identifier>/<database>}: see {@link ResourceNames}. */
    @Override
    public String resourceName(Connection physical) throws SQLException {
        return ResourceNames.postgres(physical);
    }

    @Override
    public String address(Connection physical) {
        return ResourceNames.address(vendor(), 5432, physical);
    }
}
