package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.entente.protocol.Xids;
import dev.entente.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the runtime relies on from a vendor's XA over the application's own physical connection,
 * described once and run against a real server by each vendor's test. Where vendors differ, the
 * subclass states what its vendor does (the methods under "vendor behaviour"), so a driver or server
 * upgrade that changes it fails here first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class XaDialectContract {

    private final String clusterId = "xat" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();
    private final List<Connection> opened = new ArrayList<>();
    private String url;

    // ---- the vendor under test ----

    abstract TestDatabase server();

    /** {@code postgresql}, {@code mariadb}, {@code mysql}. */
    abstract String vendor();

    /** The JDBC URL of a fresh database on {@code server}, for this vendor's driver. */
    abstract String createDatabase(TestDatabase server);

    /**
     * A server of this vendor that the test may restart: an embedded one of its own, never the
     * machine's shared server (started only by the test that restarts it).
     */
    abstract TestDatabase restartableServer();

    /** The query that answers the current session's id on the server. */
    abstract String sessionIdQuery();

    /** The query that counts the server's sessions with the id given as its one parameter. */
    abstract String sessionsWithIdQuery();

    // ---- vendor behaviour ----

    /** {@code getAutoCommit()} of the physical connection between XA START and XA END, when it was true before. */
    abstract boolean autoCommitInsideBranch();

    /**
     * True if the session that prepared a branch stays bound to it until the branch is finished on
     * that same session or the session ends: ordinary work on it fails, and other sessions get
     * XAER_NOTA for the Xid meanwhile.
     */
    abstract boolean preparingSessionStaysBound();

    /**
     * What finishing a prepared branch that wrote nothing answers once the preparing session has
     * closed: empty if it commits like any other branch, else the XAException error code.
     */
    abstract Optional<Integer> finishingDetachedReadOnlyBranchFails();

    /** XA START on a connection with uncommitted local work: empty if the work joins the branch, else the error code. */
    abstract Optional<Integer> startWithUncommittedLocalWorkFails();

    /**
     * True if {@code close()} of a connection in manual-commit mode whose session is bound to a
     * prepared branch throws (the driver's rollback-at-close is refused), though it does close.
     */
    abstract boolean closeOfBoundSessionInManualCommitThrows();

    /**
     * The server under test is one this contract shows keeps a prepared branch across its session's
     * close: the dialect's version rule must accept it.
     */
    @Test
    void theServersVersionIsAccepted() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            String version = connection.getMetaData().getDatabaseProductVersion();
            assertThat(dialect(connection).refuseServer(version)).as(version).isEmpty();
        }
    }

    @BeforeAll
    void createSchema() throws SQLException {
        url = createDatabase(server());
        createAccountTable(url);
    }

    private static void createAccountTable(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE account (id INT PRIMARY KEY, owner VARCHAR(40))");
        }
    }

    @AfterEach
    void finishEverythingThisTestLeftPrepared() throws Exception {
        for (Connection connection : opened) {
            try {
                connection.close();
            } catch (SQLException e) {
                if (!connection.isClosed()) {
                    throw e; // see closingTheConnectionThatPreparedABranchInManualCommitModeClosesIt
                }
            }
        }
        opened.clear();
        // MariaDB ends the session that prepared a branch a moment after its client closed it, and until then
        // another session's rollback of that branch fails (XAER_NOTA): retry until nothing of this test is left
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            rollBackLeftovers();
            assertThat(server().preparedTransactions()).noneMatch(gtrid -> gtrid.startsWith(clusterId + ":"));
        });
    }

    private void rollBackLeftovers() throws SQLException, XAException {
        try (Connection connection = DriverManager.getConnection(url)) {
            XAResource xa = dialect(connection).xaResource(connection);
            for (BranchXid leftover : XaRecovery.recover(xa, clusterId)) {
                try {
                    xa.rollback(leftover);
                } catch (XAException alreadyGone) {
                    // e.g. a read-only branch the server discarded at disconnect, or one its session still holds
                }
            }
        }
    }

    // ---- the contract ----

    @Test
    void choosesThisVendorsDialectForItsPhysicalConnection() throws SQLException {
        Connection connection = connect();
        assertThat(XaDialects.forConnection(connection)).map(XaDialect::vendor).contains(vendor());
    }

    @Test
    void statementsOnThePhysicalConnectionAfterStartBelongToTheBranch() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();
        int id = nextId();

        xa.start(xid, XAResource.TMNOFLAGS);
        insert(connection, id);
        assertThat(visible(id)).as("uncommitted branch work seen from another connection").isFalse();
        xa.end(xid, XAResource.TMSUCCESS);
        xa.rollback(xid);

        assertThat(visible(id)).as("row of a rolled-back branch").isFalse();
    }

    @Test
    void aBranchThatWroteVotesOk() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();

        xa.start(xid, XAResource.TMNOFLAGS);
        insert(connection, nextId());
        xa.end(xid, XAResource.TMSUCCESS);

        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        assertThat(server().preparedTransactions()).contains(xid.globalXid());
    }

    /** No vendor here answers XA_RDONLY: a branch that only read is prepared like any other. */
    @Test
    void aBranchThatOnlyReadAlsoVotesOkAndStaysPrepared() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();

        xa.start(xid, XAResource.TMNOFLAGS);
        visibleOn(connection, nextId());
        xa.end(xid, XAResource.TMSUCCESS);

        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        assertThat(server().preparedTransactions()).contains(xid.globalXid());
    }

    @Test
    void phaseTwoCommitFromAnotherConnectionMakesTheWritesVisible() throws Exception {
        int id = nextId();
        BranchXid xid = prepareInsertAndClose(id);
        assertThat(visible(id)).isFalse();

        Connection other = connect();
        dialect(other).xaResource(other).commit(xid, false);

        assertThat(visible(id)).isTrue();
        assertThat(server().preparedTransactions()).doesNotContain(xid.globalXid());
    }

    @Test
    void phaseTwoRollbackFromAnotherConnectionDiscardsTheWrites() throws Exception {
        int id = nextId();
        BranchXid xid = prepareInsertAndClose(id);

        Connection other = connect();
        dialect(other).xaResource(other).rollback(xid);

        assertThat(visible(id)).isFalse();
        assertThat(server().preparedTransactions()).doesNotContain(xid.globalXid());
    }

    /** The runtime reads XAER_NOTA on phase 2 as "already finished" (see also {@link #preparingSessionStaysBound()}). */
    @Test
    void finishingAnXidTheDatabaseNoLongerHoldsFailsWithXaerNota() throws Exception {
        BranchXid committed = prepareInsertAndClose(nextId());
        Connection other = connect();
        XAResource xa = dialect(other).xaResource(other);
        xa.commit(committed, false);

        assertXaError(XAException.XAER_NOTA, () -> xa.commit(committed, false));
        assertXaError(XAException.XAER_NOTA, () -> xa.rollback(committed));
        BranchXid neverStarted = nextXid();
        assertXaError(XAException.XAER_NOTA, () -> xa.commit(neverStarted, false));
        assertXaError(XAException.XAER_NOTA, () -> xa.rollback(neverStarted));
    }

    @Test
    void autoCommitDuringTheBranchIsAsThisVendorDoesItAndIsRestoredAtPrepare() throws Exception {
        for (boolean before : new boolean[] {true, false}) {
            Connection connection = connect();
            connection.setAutoCommit(before);
            XAResource xa = dialect(connection).xaResource(connection);
            BranchXid xid = nextXid();

            xa.start(xid, XAResource.TMNOFLAGS);
            boolean during = connection.getAutoCommit();
            insert(connection, nextId());
            xa.end(xid, XAResource.TMSUCCESS);
            xa.prepare(xid);

            assertThat(during).as("autocommit inside the branch, %s before", before)
                    .isEqualTo(before && autoCommitInsideBranch());
            assertThat(connection.getAutoCommit()).as("autocommit after prepare, %s before", before).isEqualTo(before);
        }
    }

    @Test
    void afterPrepareThePreparingConnectionIsFreeOrBoundAsThisVendorDoesIt() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(connection, nextId());
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);
        int localId = nextId();
        Connection other = connect();
        XAResource otherXa = dialect(other).xaResource(other);

        if (preparingSessionStaysBound()) {
            assertThatThrownBy(() -> insert(connection, localId)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("PREPARED state");
            assertXaError(XAException.XAER_NOTA, () -> otherXa.commit(xid, false));
            assertThat(server().preparedTransactions()).as("still prepared though another session got XAER_NOTA")
                    .contains(xid.globalXid());
            xa.commit(xid, false); // the preparing session itself can finish it
        } else {
            otherXa.commit(xid, false); // while the preparing connection is still open
        }
        insert(connection, localId);
        assertThat(visible(localId)).as("ordinary autocommit work after the branch").isTrue();
    }

    @Test
    void closingTheConnectionThatPreparedABranchInManualCommitModeClosesIt() throws Exception {
        Connection connection = connect();
        connection.setAutoCommit(false);
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();
        int id = nextId();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(connection, id);
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);

        if (closeOfBoundSessionInManualCommitThrows()) {
            assertThatThrownBy(connection::close).isInstanceOf(SQLException.class).hasMessageContaining("PREPARED state");
        } else {
            connection.close();
        }

        assertThat(connection.isClosed()).isTrue();
        Connection other = connect();
        dialect(other).xaResource(other).commit(xid, false);
        assertThat(visible(id)).as("the branch outlived the close and committed").isTrue();
    }

    @Test
    void preparedBranchesSurviveCloseAndRecoveryFindsThoseOfThisClusterOnly() throws Exception {
        int committedId = nextId();
        int rolledBackId = nextId();
        BranchXid toCommit = prepareInsertAndClose(committedId);
        BranchXid toRollBack = prepareInsertAndClose(rolledBackId);
        BranchXid otherCluster = new BranchXid("xa-other-" + clusterId + ":1:1:1:tpk0ed", 1);
        Xid foreign = new ForeignXid(0x1234, ("not-entente-" + clusterId).getBytes(StandardCharsets.UTF_8), new byte[] {1});
        Xid malformed = new ForeignXid(BranchXid.FORMAT_ID, ("garbage-" + clusterId).getBytes(StandardCharsets.UTF_8),
                new byte[] {'x'});
        prepareInsertAndClose(nextId(), otherCluster);
        prepareInsertAndClose(nextId(), foreign);
        prepareInsertAndClose(nextId(), malformed);
        try {
            Connection recovering = connect();
            XAResource xa = dialect(recovering).xaResource(recovering);

            assertThat(XaRecovery.recover(xa, clusterId)).containsExactlyInAnyOrder(toCommit, toRollBack);
            xa.commit(toCommit, false);
            xa.rollback(toRollBack);

            assertThat(XaRecovery.recover(xa, clusterId)).isEmpty();
            assertThat(visible(committedId)).isTrue();
            assertThat(visible(rolledBackId)).isFalse();
        } finally {
            Connection cleaner = connect();
            XAResource xa = dialect(cleaner).xaResource(cleaner);
            xa.rollback(otherCluster);
            xa.rollback(foreign);
            xa.rollback(malformed);
        }
    }

    /** On an embedded server of the test's own when the others run on the machine's (which tests never restart). */
    @Test
    void preparedBranchesSurviveARestartOfTheDatabase() throws Exception {
        TestDatabase restarted = server().isEmbedded() ? server() : restartableServer();
        String restartedUrl = restarted == server() ? url : createDatabase(restarted);
        if (restarted != server()) {
            createAccountTable(restartedUrl);
        }
        int id = nextId();
        BranchXid xid = nextXid();
        prepareInsertAndClose(restartedUrl, id, xid);
        String nameBefore;
        try (Connection before = DriverManager.getConnection(restartedUrl)) {
            nameBefore = dialect(before).resourceName(before);
        }

        restarted.restart();

        try (Connection recovering = DriverManager.getConnection(restartedUrl)) {
            assertThat(dialect(recovering).resourceName(recovering)).as("the name after a restart").isEqualTo(nameBefore);
            XAResource xa = dialect(recovering).xaResource(recovering);
            assertThat(XaRecovery.recover(xa, clusterId)).containsExactly(xid);
            xa.commit(xid, false);
            assertThat(visibleOn(recovering, id)).isTrue();
        }
    }

    @Test
    void onePhaseCommitAfterEndWithoutPrepare() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();
        int id = nextId();

        xa.start(xid, XAResource.TMNOFLAGS);
        insert(connection, id);
        xa.end(xid, XAResource.TMSUCCESS);
        xa.commit(xid, true);

        assertThat(visible(id)).isTrue();
        assertThat(connection.getAutoCommit()).isTrue();
        assertThat(server().preparedTransactions()).doesNotContain(xid.globalXid());
    }

    @Test
    void aReadOnlyBranchFinishedAfterItsSessionClosedAnswersAsThisVendorDoesIt() throws Exception {
        Connection connection = connect();
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();
        xa.start(xid, XAResource.TMNOFLAGS);
        visibleOn(connection, nextId());
        xa.end(xid, XAResource.TMSUCCESS);
        xa.prepare(xid);
        connection.close();

        Connection other = connect();
        XAResource otherXa = dialect(other).xaResource(other);
        Optional<Integer> failure = finishingDetachedReadOnlyBranchFails();
        if (failure.isPresent()) {
            assertXaError(failure.get(), () -> otherXa.commit(xid, false));
        } else {
            otherXa.commit(xid, false);
        }
        assertThat(server().preparedTransactions()).doesNotContain(xid.globalXid());
    }

    @Test
    void startOnAConnectionWithUncommittedLocalWorkIsAsThisVendorDoesIt() throws Exception {
        Connection connection = connect();
        connection.setAutoCommit(false);
        int localId = nextId();
        insert(connection, localId);
        XAResource xa = dialect(connection).xaResource(connection);
        BranchXid xid = nextXid();

        Optional<Integer> failure = startWithUncommittedLocalWorkFails();
        if (failure.isPresent()) {
            assertXaError(failure.get(), () -> xa.start(xid, XAResource.TMNOFLAGS));
            connection.rollback();
        } else {
            xa.start(xid, XAResource.TMNOFLAGS);
            xa.end(xid, XAResource.TMSUCCESS);
            xa.rollback(xid);
            assertThat(connection.getAutoCommit()).isFalse();
        }
        assertThat(visible(localId)).as("the local work, rolled back with the branch or by the app").isFalse();
    }

    @Test
    void closingThePhysicalConnectionStillClosesItAfterTheResourceWasBuilt() throws Exception {
        Connection connection = connect();
        XaDialect dialect = dialect(connection);
        dialect.xaResource(connection);
        dialect.xaResource(connection);

        connection.close();

        assertThat(connection.isClosed()).isTrue();
    }

    @Test
    void resourceNameIsTheServersIdentityAndTheDatabaseTheSameFromAnyConnection() throws Exception {
        Connection one = connect();
        Connection two = connect();
        String name = dialect(one).resourceName(one);

        assertThat(dialect(two).resourceName(two)).isEqualTo(name);
        assertThat(name).startsWith(server().vendor() + "://").endsWith("/" + databaseOf(url))
                .doesNotContain("127.0.0.1").doesNotContain("user").doesNotContain("?");
        assertThat(dialect(one).address(one)).as("the address, for logs").matches("127\\.0\\.0\\.1:[0-9]+");
    }

    @Test
    void oneServerReachedByTwoAddressesHasOneResourceName() throws Exception {
        assertThat(url).as("the test server's URL").contains("//127.0.0.1:");
        Connection byAddress = connect();
        Connection byName = DriverManager.getConnection(url.replace("//127.0.0.1:", "//localhost:"));
        opened.add(byName);

        assertThat(dialect(byName).address(byName)).startsWith("localhost:");
        assertThat(dialect(byName).resourceName(byName)).isEqualTo(dialect(byAddress).resourceName(byAddress));
    }

    // ---- helpers ----

    Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        opened.add(connection);
        return connection;
    }

    BranchXid nextXid() {
        return new BranchXid(Xids.format(clusterId, 1, 1, sequence.incrementAndGet(), System.currentTimeMillis() + 60_000), 1);
    }

    int nextId() {
        return (int) sequence.incrementAndGet();
    }

    static XaDialect dialect(Connection connection) {
        return XaDialects.forConnection(connection).orElseThrow(
                () -> new AssertionError("no XA dialect for " + connection.getClass().getName()));
    }

    private BranchXid prepareInsertAndClose(int id) throws Exception {
        BranchXid xid = nextXid();
        prepareInsertAndClose(id, xid);
        return xid;
    }

    private void prepareInsertAndClose(int id, Xid xid) throws Exception {
        prepareInsertAndClose(url, id, xid);
    }

    /**
     * One prepared branch that inserted {@code id} in {@code database}, left behind by a connection
     * that then closed. The server ends the session some time after the client closed its socket;
     * where the session stays bound to its prepared branch, another session gets XAER_NOTA until
     * then, so this returns only once the server has no such session left.
     */
    private void prepareInsertAndClose(String database, int id, Xid xid) throws Exception {
        long session;
        try (Connection connection = DriverManager.getConnection(database)) {
            session = sessionId(connection);
            XAResource xa = dialect(connection).xaResource(connection);
            xa.start(xid, XAResource.TMNOFLAGS);
            insert(connection, id);
            xa.end(xid, XAResource.TMSUCCESS);
            assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !sessionAlive(database, session));
    }

    private long sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sessionIdQuery())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean sessionAlive(String database, long session) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database);
                PreparedStatement query = connection.prepareStatement(sessionsWithIdQuery())) {
            query.setLong(1, session);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static void insert(Connection connection, int id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account (id, owner) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, "owner-" + id);
            insert.executeUpdate();
        }
    }

    private boolean visible(int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            return visibleOn(connection, id);
        }
    }

    private static boolean visibleOn(Connection connection, int id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT owner FROM account WHERE id = ?")) {
            query.setInt(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String databaseOf(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.indexOf('/', jdbcUrl.indexOf("://") + 3) + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    interface XaCall {
        void run() throws Exception;
    }

    static void assertXaError(int errorCode, XaCall call) {
        XAException e = catchThrowableOfType(XAException.class, call::run);
        assertThat(e).as("XAException expected").isNotNull();
        assertThat(e.errorCode).as("XA error code of: %s", e.getMessage()).isEqualTo(errorCode);
    }

    /** An Xid of some other software sharing the database. */
    record ForeignXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }
    }
}
