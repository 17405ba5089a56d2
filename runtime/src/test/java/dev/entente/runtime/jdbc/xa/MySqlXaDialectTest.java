package dev.entente.runtime.jdbc.xa;

import dev.entente.testkit.TestDatabase;
import dev.entente.testkit.TestDatabases;
import java.util.Optional;
import javax.transaction.xa.XAException;

/**
 * MySQL Connector/J, run against the MariaDB test server (no MySQL server is at hand): this pins the
 * driver's side ({@link MySqlXaDialect}); the server's side is MariaDB's, as in {@link MariaDbXaDialectTest}.
 */
class MySqlXaDialectTest extends XaDialectContract {

    @Override
    TestDatabase server() {
        return TestDatabases.mariadb();
    }

    @Override
    String vendor() {
        return "mysql";
    }

    @Override
    String createDatabase(TestDatabase server) {
        return server.createDatabase("xa_mysql").replace("jdbc:mariadb:", "jdbc:mysql:");
    }

    @Override
    TestDatabase restartableServer() {
        return TestDatabases.embeddedMariaDb();
    }

    @Override
    String sessionIdQuery() {
        return MariaDbXaDialectTest.SESSION_ID;
    }

    @Override
    String sessionsWithIdQuery() {
        return MariaDbXaDialectTest.SESSIONS_WITH_ID;
    }

    @Override
    boolean autoCommitInsideBranch() {
        return true;
    }

    @Override
    boolean preparingSessionStaysBound() {
        return true; // MariaDB's behaviour; MySQL 8.0.29+ detaches at prepare (xa_detach_on_prepare)
    }

    @Override
    Optional<Integer> finishingDetachedReadOnlyBranchFails() {
        return Optional.of(XAException.XA_RBROLLBACK);
    }

    @Override
    boolean closeOfBoundSessionInManualCommitThrows() {
        return true; // Connector/J rolls back at close in manual-commit mode; the server refuses
    }

    @Override
    Optional<Integer> startWithUncommittedLocalWorkFails() {
        return Optional.of(XAException.XAER_OUTSIDE);
    }
}
