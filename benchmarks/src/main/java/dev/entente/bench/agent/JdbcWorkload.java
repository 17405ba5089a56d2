package dev.entente.bench.agent;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.bench.AccountTable;
import dev.entente.bench.Measurement;
import dev.entente.bench.ResultLine;
import dev.entente.bench.WorkloadArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The application whose speed the agent must not change: a service's JDBC work outside any global
 * transaction. Each operation borrows a pooled connection, reads a row and updates it in a local
 * transaction (setAutoCommit(false), commit), the calls the agent puts advice on. Runs in its own
 * JVM, started with or without {@code -javaagent}, and prints one {@code result} line.
 *
 * <p>Arguments: JDBC URL, clients, warm-up seconds, measured seconds.
 */
public final class JdbcWorkload {

    private JdbcWorkload() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        WorkloadArguments loop = WorkloadArguments.readFrom(args, 1);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(loop.clients());
        try (HikariDataSource pool = new HikariDataSource(config)) {
            prepareTable(pool);
            Measurement measured = loop.run(() -> readAndUpdate(pool));
            ResultLine.print(measured);
        }
    }

    private static void prepareTable(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            AccountTable.prepare(connection);
        }
    }

    private static void readAndUpdate(HikariDataSource pool) throws SQLException {
        int id = AccountTable.anyAccount();
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement read = connection.prepareStatement("select balance from bench_account where id = ?")) {
                read.setInt(1, id);
                try (ResultSet row = read.executeQuery()) {
                    row.next();
                }
            }
            AccountTable.credit(connection, id);
            connection.commit();
            connection.setAutoCommit(true);
        }
    }
}
