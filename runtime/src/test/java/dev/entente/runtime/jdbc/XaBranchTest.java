package dev.entente.runtime.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.protocol.BranchVote;
import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import dev.entente.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A branch's own XA steps on the application's connection, against real PostgreSQL and MariaDB servers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XaBranchTest {

    private static final AtomicLong COUNTER = new AtomicLong();
    private String postgres;
    private String mariadb;

    @BeforeAll
    void databases() throws SQLException {
        postgres = TestDatabases.postgres().createDatabase("xa_branch");
        mariadb = TestDatabases.mariadb().createDatabase("xa_branch");
        for (String url : List.of(postgres, mariadb)) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("create table items (id bigint primary key)");
            }
        }
    }

    Stream<String> urls() {
        return Stream.of(postgres, mariadb);
    }

    @ParameterizedTest
    @MethodSource("urls")
    void aPreparedBranchVotesPreparedAndGivesBackTheApplicationsAutocommitUnlessItHoldsTheConnection(String url)
            throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Connection other = DriverManager.getConnection(url)) {
            XaBranch branch = start(connection);
            long id = insert(connection);

            BranchVote vote = branch.prepare();

            assertThat(vote).isEqualTo(BranchVote.PREPARED);
            assertThat(branch.holdsConnection(vote)).as("MariaDB binds the prepared branch to its session")
                    .isEqualTo(url.startsWith("jdbc:mariadb"));
            if (!branch.holdsConnection(vote)) {
                assertThat(connection.getAutoCommit()).as("the application's mode, whatever XA START did to it").isTrue();
            }
            assertThat(rows(other, id)).as("prepared, not committed").isZero();
            branch.xa.commit(branch.xid, false);
            assertThat(rows(other, id)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("urls")
    void aBranchRolledBackAtWorkLeavesNothingAndTheConnectionFreeForOtherWork(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            XaBranch branch = start(connection);
            long id = insert(connection);

            branch.rollBack();

            assertThat(rows(connection, id)).as("the connection works outside the branch again, and its insert is gone").isZero();
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("urls")
    void aBranchThatCannotPrepareIsRolledBackAndItsFailureThrown(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            XaBranch branch = start(connection);
            long id = insert(connection);
            branch.xa.end(branch.xid, XAResource.TMSUCCESS); // so the branch's own XA END fails

            assertThatThrownBy(branch::prepare).isInstanceOf(XAException.class);

            assertThat(rows(connection, id)).as("rolled back: the connection works outside the branch again, without the insert")
                    .isZero();
            assertThat(connection.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> branch.xa.commit(branch.xid, false)).as("nothing left to commit")
                    .isInstanceOf(XAException.class);
        }
    }

    private static XaBranch start(Connection connection) throws Exception {
        XaDialect dialect = XaDialects.forConnection(connection).orElseThrow();
        BranchXid xid = new BranchXid("xa-branch-test:1:1:" + Long.toString(System.nanoTime(), 36) + ":tpk0ed",
                COUNTER.incrementAndGet());
        return XaBranch.start("test/xa_branch", xid, connection, dialect, XaResourceWrapper.all(List.of()));
    }

    private static long insert(Connection connection) throws SQLException {
        long id = COUNTER.incrementAndGet();
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items values (" + id + ")");
        }
        return id;
    }

    private static int rows(Connection connection, long id) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select count(*) from items where id = " + id)) {
            row.next();
            return row.getInt(1);
        }
    }
}
