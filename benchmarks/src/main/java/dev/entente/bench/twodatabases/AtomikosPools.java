package dev.entente.bench.twodatabases;

import com.atomikos.jdbc.AtomikosDataSourceBean;
import dev.entente.bench.AccountTable;
import jakarta.transaction.Transaction;
import java.sql.Connection;
import javax.sql.XADataSource;

/**
 * Atomikos' way: its own XA connection pools, which enlist a connection in the current transaction
 * when it is taken from the pool (Atomikos enlists only resources it knows for recovery).
 */
final class AtomikosPools implements JtaCredits.Enlistment {

    private final AtomikosDataSourceBean postgres;
    private final AtomikosDataSourceBean mariadb;

    AtomikosPools(XADataSource postgres, XADataSource mariadb, int clients) throws Exception {
        this.postgres = pool("bench-postgres", postgres, clients);
        this.mariadb = pool("bench-mariadb", mariadb, clients);
    }

    private static AtomikosDataSourceBean pool(String name, XADataSource database, int clients) throws Exception {
        AtomikosDataSourceBean pool = new AtomikosDataSourceBean();
        pool.setUniqueResourceName(name);
        pool.setXaDataSource(database);
        pool.setMaxPoolSize(clients);
        pool.setMinPoolSize(1);
        pool.init();
        return pool;
    }

    @Override
    public void creditBoth(Transaction transaction, int id) throws Exception {
        try (Connection pg = postgres.getConnection(); Connection maria = mariadb.getConnection()) {
            AccountTable.credit(pg, id);
            AccountTable.credit(maria, id);
        }
    }

    @Override
    public void close() {
        postgres.close();
        mariadb.close();
    }
}
