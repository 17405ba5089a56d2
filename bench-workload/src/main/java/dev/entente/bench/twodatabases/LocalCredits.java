package dev.entente.bench.twodatabases;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.bench.AccountTable;
import java.sql.SQLException;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One account credited in each database, each in a local transaction on a pooled connection: what a
 * service does with no global transaction. Under {@code @GlobalTransactional} and the agent, the same
 * calls become two XA branches (benchmarks' {@code GlobalCredits}); through Seata's XA data source
 * proxy, two Seata XA branches (peers' {@code SeataXaCredits}).
 */
public class LocalCredits implements AutoCloseable {

    private final HikariDataSource postgresPool;
    private final HikariDataSource mariadbPool;
    private final DataSource postgres;
    private final DataSource mariadb;

    public LocalCredits(String postgresUrl, String mariadbUrl, int clients) {
        this(postgresUrl, mariadbUrl, clients, pool -> pool);
    }

    /** The same pools, each taken through {@code view} (a transaction manager's proxy of the data source, say). */
    public LocalCredits(String postgresUrl, String mariadbUrl, int clients, UnaryOperator<DataSource> view) {
        this.postgresPool = pool("bench-postgres", postgresUrl, clients);
        this.mariadbPool = pool("bench-mariadb", mariadbUrl, clients);
        this.postgres = view.apply(postgresPool);
        this.mariadb = view.apply(mariadbPool);
    }

    private static HikariDataSource pool(String name, String url, int clients) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(clients);
        return new HikariDataSource(config);
    }

    public void creditBoth() throws SQLException {
        int id = AccountTable.anyAccount();
        AccountTable.creditAlone(postgres, id);
        AccountTable.creditAlone(mariadb, id);
    }

    @Override
    public void close() {
        postgresPool.close();
        mariadbPool.close();
    }
}
