package dev.entente.bench.twodatabases;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.bench.AccountTable;
import java.sql.SQLException;

/**
 * One account credited in each database, each in a local transaction on a pooled connection: what a
 * service does with no global transaction. Under {@code @GlobalTransactional} and the agent, the same
 * calls become two XA branches ({@link GlobalCredits}).
 */
class LocalCredits implements AutoCloseable {

    private final HikariDataSource postgres;
    private final HikariDataSource mariadb;

    LocalCredits(String postgresUrl, String mariadbUrl, int clients) {
        this.postgres = pool("bench-postgres", postgresUrl, clients);
        this.mariadb = pool("bench-mariadb", mariadbUrl, clients);
    }

    private static HikariDataSource pool(String name, String url, int clients) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(clients);
        return new HikariDataSource(config);
    }

    void creditBoth() throws SQLException {
        int id = AccountTable.anyAccount();
        AccountTable.creditAlone(postgres, id);
        AccountTable.creditAlone(mariadb, id);
    }

    @Override
    public void close() {
        postgres.close();
        mariadb.close();
    }
}
