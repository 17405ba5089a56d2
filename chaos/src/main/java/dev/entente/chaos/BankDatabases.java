package dev.entente.chaos;

import dev.entente.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bank's two sides, each a fresh database on the suite's own server: {@value #ACCOUNTS} accounts
 * of {@value #OPENING_BALANCE} on PostgreSQL ({@code pg}) and as many on MariaDB ({@code maria}); and
 * the transfer service's journal, a third database on the PostgreSQL server, where the TM records each
 * transfer in the transfer's own global transaction (its branch is the owner's). Read back afterwards
 * for the checker.
 */
final class BankDatabases {

    static final int ACCOUNTS = 10;
    static final int OPENING_BALANCE = 100;

    /** One side: its name in transfers, its server, its database's URL. */
    record Side(String name, TestDatabase server, String url) {
        /** Whether the server takes a connection (a restart by the nemesis may have left it down). */
        boolean answers() {
            try (Connection connection = DriverManager.getConnection(url)) {
                return connection.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }
    }

    /** A ledger row: one transfer's movement on one side. */
    record Movement(String transferId, String xid, String account, int delta) {
    }

    final Side pg;
    final Side maria;
    /** The transfer service's own database: {@code journal(transfer_id, xid)}. */
    final Side journal;

    BankDatabases(TestDatabase postgres, TestDatabase mariadb, String database) throws SQLException {
        pg = create("pg", postgres, database);
        maria = create("maria", mariadb, database);
        journal = new Side("journal", postgres, postgres.createDatabase(database + "_journal"));
        execute(journal.url, "create table journal (transfer_id varchar(40) primary key, xid varchar(80) not null)");
    }

    private static Side create(String name, TestDatabase server, String database) throws SQLException {
        Side side = new Side(name, server, server.createDatabase(database));
        execute(side.url, "create table accounts (account varchar(20) primary key, balance int not null)");
        execute(side.url, "create table ledger (transfer_id varchar(40) primary key, xid varchar(80) not null, "
                + "account varchar(20) not null, delta int not null)");
        for (int i = 0; i < ACCOUNTS; i++) {
            execute(side.url, "insert into accounts values ('" + account(i) + "', " + OPENING_BALANCE + ")");
        }
        return side;
    }

    static String account(int number) {
        return String.format("acct-%02d", number);
    }

    List<Side> sides() {
        return List.of(pg, maria);
    }

    static Map<String, Integer> balances(Side side) throws SQLException {
        Map<String, Integer> balances = new HashMap<>();
        query(side.url, "select account, balance from accounts", rows -> balances.put(rows.getString(1), rows.getInt(2)));
        return balances;
    }

    /** Every ledger row of {@code side}, by transfer id. */
    static Map<String, Movement> ledger(Side side) throws SQLException {
        Map<String, Movement> ledger = new HashMap<>();
        query(side.url, "select transfer_id, xid, account, delta from ledger", rows -> ledger.put(rows.getString(1),
                new Movement(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4))));
        return ledger;
    }

    /** The journal's rows: transfer id to the XID it was written in. */
    Map<String, String> journal() throws SQLException {
        Map<String, String> rows = new HashMap<>();
        query(journal.url, "select transfer_id, xid from journal", row -> rows.put(row.getString(1), row.getString(2)));
        return rows;
    }

    /** The transfers that took effect on both sides (what should each have published one event). */
    Set<String> bothSides() throws SQLException {
        Set<String> both = new HashSet<>(ledger(pg).keySet());
        both.retainAll(ledger(maria).keySet());
        return both;
    }

    /** Prepared XA branches of the cluster whose id is {@code clusterId} still in either server (the journal's is the pg side's). */
    List<String> prepared(String clusterId) {
        List<String> prepared = new ArrayList<>();
        for (Side side : sides()) {
            side.server.preparedTransactions().stream().filter(xid -> xid.startsWith(clusterId + ":"))
                    .forEach(xid -> prepared.add(side.name + " " + xid));
        }
        return prepared;
    }

    private interface Row {
        void read(ResultSet rows) throws SQLException;
    }

    private static void query(String url, String sql, Row row) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                row.read(rows);
            }
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
