package dev.entente.runtime.jdbc.xa;

import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.util.Optional;
import javax.transaction.xa.XAException;

/** MariaDB Connector/J on a real MariaDB server; see {@link MariaDbXaDialect} for what this pins down. */
class MariaDbXaDialectTest extends XaDialectContract {

    @Override
    TestDatabase server() {
        return TestDatabases.mariadb();
    }

    @Override
    String vendor() {
        return "mariadb";
    }

    @Override
    String createDatabase(TestDatabase server) {
        return server.createDatabase("xa_mariadb");
    }

    @Override
    TestDatabase restartableServer() {
        return TestDatabases.embeddedMariaDb();
    }

    /** MariaDB's own sessions, which the MySQL driver's test sees too (it runs against this server). */
    static final String SESSION_ID = "SELECT CONNECTION_ID()";
    static final String SESSIONS_WITH_ID = "SELECT count(*) FROM information_schema.processlist WHERE id = ?";

    @Override
    String sessionIdQuery() {
        return SESSION_ID;
    }

    @Override
    String sessionsWithIdQuery() {
        return SESSIONS_WITH_ID;
    }

    @Override
    boolean autoCommitInsideBranch() {
        return true; // XA START does not touch it; the server ignores it inside an XA transaction
    }

    @Override
    boolean preparingSessionStaysBound() {
        return true;
    }

    @Override
    Optional<Integer> finishingDetachedReadOnlyBranchFails() {
        return Optional.of(XAException.XA_RBROLLBACK);
    }

    @Override
    boolean closeOfBoundSessionInManualCommitThrows() {
        return false;
    }

    @Override
    Optional<Integer> startWithUncommittedLocalWorkFails() {
        return Optional.of(XAException.XAER_OUTSIDE);
    }
}
