package dev.entente.bench.twodatabases;

import dev.entente.bench.AccountTable;
import jakarta.transaction.Transaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;

/**
 * Narayana's way without an application server: each client thread keeps one XA connection per
 * database and enlists (then delists) both XA resources in every transaction.
 */
final class EnlistedXaConnections implements JtaCredits.Enlistment {

    private record Pair(XAConnection postgres, Connection postgresConnection, XAConnection mariadb, Connection mariadbConnection) {
    }

    private final XADataSource postgres;
    private final XADataSource mariadb;
    private final List<XAConnection> opened = new ArrayList<>();
    private final ThreadLocal<Pair> connections = ThreadLocal.withInitial(this::open);

    EnlistedXaConnections(XADataSource postgres, XADataSource mariadb) {
        this.postgres = postgres;
        this.mariadb = mariadb;
    }

    private Pair open() {
        try {
            XAConnection pg = postgres.getXAConnection();
            XAConnection maria = mariadb.getXAConnection();
            synchronized (opened) {
                opened.add(pg);
                opened.add(maria);
            }
            return new Pair(pg, pg.getConnection(), maria, maria.getConnection());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open XA connections to the benchmark databases: " + e.getMessage(), e);
        }
    }

    @Override
    public void creditBoth(Transaction transaction, int id) throws Exception {
        Pair pair = connections.get();
        XAResource pg = pair.postgres().getXAResource();
        XAResource maria = pair.mariadb().getXAResource();
        transaction.enlistResource(pg);
        transaction.enlistResource(maria);
        AccountTable.credit(pair.postgresConnection(), id);
        AccountTable.credit(pair.mariadbConnection(), id);
        transaction.delistResource(pg, XAResource.TMSUCCESS);
        transaction.delistResource(maria, XAResource.TMSUCCESS);
    }

    @Override
    public void close() {
        synchronized (opened) {
            for (XAConnection connection : opened) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // closing at exit: nothing left to do with it
                }
            }
        }
    }
}
