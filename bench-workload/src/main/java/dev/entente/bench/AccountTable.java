package dev.entente.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/** The table the JDBC workloads update: {@value #ROWS} accounts, each credited by one row update. SQL both PostgreSQL and MariaDB run. */
public final class AccountTable {

    public static final int ROWS = 1000;

    private AccountTable() {
    }

    /** Creates the table (again), every account at 0, in each database of {@code urls} (JDBC URLs). */
    public static void prepareIn(String... urls) throws SQLException {
        for (String url : urls) {
            try (Connection connection = DriverManager.getConnection(url)) {
                prepare(connection);
            }
        }
    }

    /** Creates the table (again) with every account at 0. */
    public static void prepare(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists bench_account");
            statement.execute("create table bench_account (id int primary key, balance bigint not null)");
        }
        try (PreparedStatement insert = connection.prepareStatement("insert into bench_account (id, balance) values (?, 0)")) {
            for (int id = 1; id <= ROWS; id++) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    public static int anyAccount() {
        return 1 + ThreadLocalRandom.current().nextInt(ROWS);
    }

    /**
     * Adds 1 to account {@code id}'s balance in a local transaction of its own, on a connection from
     * {@code pool}: what a service does with no global transaction (under the agent, inside a global
     * transaction, the local commit prepares the branch instead).
     */
    public static void creditAlone(DataSource pool, int id) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            credit(connection, id);
            connection.commit();
            connection.setAutoCommit(true);
        }
    }

    /** Adds 1 to account {@code id}'s balance, on whatever transaction {@code connection} is in. */
    public static void credit(Connection connection, int id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update bench_account set balance = balance + 1 where id = ?")) {
            update.setInt(1, id);
            if (update.executeUpdate() != 1) {
                throw new SQLException("account " + id + " of bench_account was not updated (is the table prepared?)");
            }
        }
    }
}
