package dev.entente.runtime.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.jdbc.xa.BranchXid;
import dev.entente.runtime.jdbc.xa.XaDialect;
import dev.entente.runtime.jdbc.xa.XaDialects;
import dev.entente.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A MariaDB connection held for its prepared branch, against a real MariaDB server. */
class HeldBranchesTest {

    private static String url;

    @BeforeAll
    static void database() throws SQLException {
        url = TestDatabases.mariadb().createDatabase("held_branches");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("create table items (id int primary key)");
        }
    }

    @Test
    void phaseTwoOnTheHeldConnectionCommitsAndASecondFinisherFindsItDone() throws Exception {
        HeldBranches held = new HeldBranches();
        try (Connection connection = DriverManager.getConnection(url)) {
            XaBranch branch = preparedBranch(connection, new BranchXid("held-test:1:1:1:tpk0ed", 1), 1);
            held.hold(branch);

            assertThat(held.absorbs(connection)).isTrue();
            assertThatThrownBy(() -> held.awaitRelease(connection, "held-test:1:1:1:tpk0ed"))
                    .hasMessageContaining("stays bound to its prepared branch");

            assertThat(held.finish(branch.xid, true)).isTrue();
            assertThat(held.finish(branch.xid, true)).as("no longer held: a later finisher goes elsewhere").isFalse();

            assertThat(connection.isClosed()).isFalse();
            assertThat(held.absorbs(connection)).isFalse();
            assertThat(rows(connection, 1)).as("the connection works again, and the branch committed").isEqualTo(1);
        }
    }

    @Test
    void theApplicationsCloseWaitsForPhaseTwo() throws Exception {
        HeldBranches held = new HeldBranches();
        Connection connection = DriverManager.getConnection(url);
        XaBranch branch = preparedBranch(connection, new BranchXid("held-test:1:1:2:tpk0ed", 1), 2);
        held.hold(branch);

        assertThat(held.deferClose(connection, connection)).isTrue();
        assertThat(connection.isClosed()).isFalse();

        held.finish(branch.xid, false);
        assertThat(connection.isClosed()).as("closed once phase 2 released it").isTrue();
        try (Connection other = DriverManager.getConnection(url)) {
            assertThat(rows(other, 2)).as("the rolled-back insert is not there").isZero();
        }
    }

    private static XaBranch preparedBranch(Connection connection, BranchXid xid, int id) throws Exception {
        XaDialect dialect = XaDialects.forConnection(connection).orElseThrow();
        XAResource xa = dialect.xaResource(connection);
        xa.start(xid, XAResource.TMNOFLAGS);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into items values (" + id + ")");
        }
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);
        return new XaBranch("mariadb://test/held_branches", xid, connection, xa, true, true);
    }

    private static int rows(Connection connection, int id) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select count(*) from items where id = " + id)) {
            row.next();
            return row.getInt(1);
        }
    }
}
