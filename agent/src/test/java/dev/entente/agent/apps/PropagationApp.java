package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Propagation;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The propagation rules and rollbackFor / noRollbackFor of {@code @GlobalTransactional}, each case a
 * line {@code "case | outcome | rows [...]"}: what the outermost call returned or threw, and the rows
 * the table holds afterwards. Every call writes one row to PostgreSQL through its own connection.
 * Arguments: the PostgreSQL JDBC URL.
 */
public final class PropagationApp {

    private final String url;

    private PropagationApp(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        PropagationApp app = new PropagationApp(args[0]);
        app.reset();
        app.report("requires_new survives the caller's rollback", () -> app.outerCallingRequiresNew(1));
        app.report("not_supported runs outside the caller's transaction", () -> app.outerCallingNotSupported(3));
        app.report("mandatory without a caller", () -> app.mandatory(5));
        app.report("mandatory joins its caller", () -> app.outerCallingMandatory(6));
        app.report("never inside a transaction", () -> app.outerCallingNever(8));
        app.report("never outside", () -> app.never(10));
        app.report("required joins and a caught failure still rolls back", () -> app.outerCatchingJoinedFailure(11));
        app.report("checked exception commits", () -> app.throwsChecked(13));
        app.report("checked exception in rollbackFor rolls back", () -> app.throwsCheckedListed(14));
        app.report("runtime exception rolls back", () -> app.throwsRuntime(15));
        app.report("runtime exception in noRollbackFor commits", () -> app.throwsRuntimeListed(16));
        app.report("the most specific rule decides", () -> app.throwsSubclassOfListed(17));
        System.out.println("done");
    }

    /** REQUIRES_NEW: the inner transaction commits on its own although the caller's rolls back. */
    @GlobalTransactional
    public String outerCallingRequiresNew(int id) throws SQLException {
        String outer = xid();
        insert(id);
        String inner = requiresNew(id + 1);
        if (inner.equals(outer) || !xid().equals(outer)) {
            return "wrong transactions: outer " + outer + ", inner " + inner + ", after " + xid();
        }
        throw new IllegalStateException("caller fails after a separate inner transaction");
    }

    @GlobalTransactional(propagation = Propagation.REQUIRES_NEW)
    public String requiresNew(int id) throws SQLException {
        insert(id);
        return xid();
    }

    /** NOT_SUPPORTED: the inner method's write is its own (autocommit), kept when the caller rolls back. */
    @GlobalTransactional
    public String outerCallingNotSupported(int id) throws SQLException {
        insert(id);
        String inner = notSupported(id + 1);
        throw new IllegalStateException("caller fails; inside not_supported the transaction was '" + inner + "'");
    }

    @GlobalTransactional(propagation = Propagation.NOT_SUPPORTED)
    public String notSupported(int id) throws SQLException {
        insert(id);
        return xid();
    }

    @GlobalTransactional
    public String outerCallingMandatory(int id) throws SQLException {
        String outer = xid();
        insert(id);
        String inner = mandatory(id + 1);
        return inner.equals(outer) ? "joined" : "not joined: " + outer + " vs " + inner;
    }

    @GlobalTransactional(propagation = Propagation.MANDATORY)
    public String mandatory(int id) throws SQLException {
        insert(id);
        return xid();
    }

    @GlobalTransactional
    public String outerCallingNever(int id) throws SQLException {
        insert(id);
        return never(id + 1);
    }

    @GlobalTransactional(propagation = Propagation.NEVER)
    public String never(int id) throws SQLException {
        insert(id);
        return "ran in '" + xid() + "'";
    }

    /** As in Spring: a joined method's failure marks the whole transaction, even when the caller catches it. */
    @GlobalTransactional
    public String outerCatchingJoinedFailure(int id) throws SQLException {
        insert(id);
        try {
            joinedAndFailing(id + 1);
        } catch (IllegalArgumentException caught) {
            return "caught " + caught.getMessage();
        }
        return "no failure";
    }

    @GlobalTransactional
    public String joinedAndFailing(int id) throws SQLException {
        insert(id);
        throw new IllegalArgumentException("joined method fails");
    }

    @GlobalTransactional
    public String throwsChecked(int id) throws SQLException, IOException {
        insert(id);
        throw new IOException("checked, not listed");
    }

    @GlobalTransactional(rollbackFor = IOException.class)
    public String throwsCheckedListed(int id) throws SQLException, IOException {
        insert(id);
        throw new IOException("checked, listed in rollbackFor");
    }

    @GlobalTransactional
    public String throwsRuntime(int id) throws SQLException {
        insert(id);
        throw new IllegalStateException("unchecked, not listed");
    }

    @GlobalTransactional(noRollbackFor = IllegalStateException.class)
    public String throwsRuntimeListed(int id) throws SQLException {
        insert(id);
        throw new IllegalStateException("unchecked, listed in noRollbackFor");
    }

    /** noRollbackFor names RuntimeException, rollbackFor its subclass: the subclass is closer, so it rolls back. */
    @GlobalTransactional(noRollbackFor = RuntimeException.class, rollbackFor = IllegalStateException.class)
    public String throwsSubclassOfListed(int id) throws SQLException {
        insert(id);
        throw new CancellationException("an IllegalStateException, so a RuntimeException too");
    }

    private interface Call {
        Object run() throws Exception;
    }

    private void report(String name, Call call) throws SQLException {
        String outcome;
        try {
            outcome = "returned " + call.run();
        } catch (Exception e) {
            outcome = "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        System.out.println(name + " | " + outcome + " | rows " + rows());
    }

    private static String xid() {
        return GlobalTransaction.currentXid().orElse("");
    }

    private void insert(int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into propagation values (" + id + ")");
        }
    }

    private void reset() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.executeUpdate("drop table if exists propagation");
            statement.executeUpdate("create table propagation (id int primary key)");
        }
    }

    private List<Integer> rows() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id from propagation order by id")) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }
}
