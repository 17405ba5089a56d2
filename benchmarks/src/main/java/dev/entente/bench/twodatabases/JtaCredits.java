package dev.entente.bench.twodatabases;

import dev.entente.bench.AccountTable;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.sql.SQLException;
import javax.sql.XADataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * The two credits in one JTA transaction of an in-process transaction manager (Atomikos or Narayana),
 * which commits them with two-phase commit and its own log on local disk. How the two databases'
 * connections join the transaction is each manager's own way ({@link Enlistment}).
 */
final class JtaCredits implements AutoCloseable {

    /** Does the two updates on connections enlisted in {@code transaction}. */
    interface Enlistment extends AutoCloseable {
        void creditBoth(Transaction transaction, int id) throws Exception;

        @Override
        void close();
    }

    private final TransactionManager manager;
    private final Enlistment enlistment;

    JtaCredits(TransactionManager manager, Enlistment enlistment) {
        this.manager = manager;
        this.enlistment = enlistment;
    }

    static XADataSource postgres(String url) {
        PGXADataSource postgres = new PGXADataSource();
        postgres.setUrl(url);
        return postgres;
    }

    static XADataSource mariadb(String url) throws SQLException {
        return new MariaDbDataSource(url);
    }

    void creditBoth() throws Exception {
        int id = AccountTable.anyAccount();
        manager.begin();
        try {
            enlistment.creditBoth(manager.getTransaction(), id);
        } catch (Exception e) {
            manager.rollback();
            throw e;
        }
        manager.commit();
    }

    @Override
    public void close() {
        enlistment.close();
    }
}
