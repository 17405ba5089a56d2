package dev.entente.runtime.jdbc.xa;

import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.sql.Connection;
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
