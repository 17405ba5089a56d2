package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;

/** pgjdbc on a real PostgreSQL server; see {@link PostgresXaDialect} for what this pins down. */
class PostgresXaDialectTest extends XaDialectContract {

    @Override
    TestDatabase server() {
        return TestDatabases.postgres();
    }

    @Override
    String vendor() {
        return "postgresql";
    }

    @Override
    String createDatabase(TestDatabase server) {
        return server.createDatabase("xa_postgresql");
    }

    @Override
    TestDatabase restartableServer() {
        return TestDatabases.embeddedPostgres();
    }

    @Override
    String sessionIdQuery() {
        return "SELECT pg_backend_pid()";
    }

    @Override
    String sessionsWithIdQuery() {
        return "SELECT count(*) FROM pg_stat_activity WHERE pid = ?";
    }

    @Override
    boolean autoCommitInsideBranch() {
        return false; // PGXAConnection.start switches it off, prepare/commit/rollback put it back
    }

    @Override
    boolean preparingSessionStaysBound() {
        return false;
    }

    @Override
    Optional<Integer> finishingDetachedReadOnlyBranchFails() {
        return Optional.empty();
    }

    @Override
    boolean closeOfBoundSessionInManualCommitThrows() {
        return false;
    }

    @Override
    Optional<Integer> startWithUncommittedLocalWorkFails() {
        return Optional.empty(); // the local work silently becomes part of the branch
    }

    /**
     * The server's identity is readable by an ordinary user (EXECUTE on pg_control_system() is PUBLIC's
     * unless revoked, as some managed services do); where it is not, naming fails with the grant that
     * fixes it. On an embedded server (the REVOKE is the whole server's until put back).
     */
    @Test
    void anOrdinaryUserNamesTheDatabaseAndOneWhoMayNotReadTheIdentityIsToldTheGrant() throws Exception {
        TestDatabase own = server().isEmbedded() ? server() : restartableServer();
        String ownUrl = own.createDatabase("xa_postgresql_identity");
        String role = "xa_app_" + nextId();
        String asRole = ownUrl.replace("user=postgres", "user=" + role);
        try (Connection admin = DriverManager.getConnection(ownUrl); Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN");
            try {
                String name = dialect(admin).resourceName(admin);
                try (Connection app = DriverManager.getConnection(asRole)) {
                    assertThat(dialect(app).resourceName(app)).isEqualTo(name);
                }

                statement.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC");
                try (Connection app = DriverManager.getConnection(asRole)) {
                    assertThatThrownBy(() -> dialect(app).resourceName(app)).isInstanceOf(SQLException.class)
                            .hasMessageStartingWith("postgresql: cannot name this database by its server's identity: "
                                    + "SELECT system_identifier FROM pg_control_system() as user " + role + " failed (")
                            .hasMessageContaining("permission denied")
                            .hasMessageContaining("GRANT EXECUTE ON FUNCTION pg_control_system() TO " + role)
                            .hasMessageContaining("never by the address in the URL");
                }
            } finally {
                statement.execute("GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC");
                statement.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void phaseTwoNeedsAConnectionWithNoOpenLocalTransaction() throws Exception {
        Connection preparing = connect();
        XAResource xa = dialect(preparing).xaResource(preparing);
        BranchXid xid = nextXid();
        xa.start(xid, XAResource.TMNOFLAGS);
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);

        Connection busy = connect();
        busy.setAutoCommit(false);
        try (Statement statement = busy.createStatement()) {
            statement.executeQuery("SELECT 1").close();
        }
        assertXaError(XAException.XAER_RMERR, () -> dialect(busy).xaResource(busy).commit(xid, false));

        busy.rollback();
        dialect(busy).xaResource(busy).commit(xid, false);
    }
}
