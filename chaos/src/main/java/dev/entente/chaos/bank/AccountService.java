package dev.entente.chaos.bank;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Locked;
import dev.entente.samples.shop.Arguments;
import dev.entente.samples.shop.Pools;
import dev.entente.samples.shop.Refused;
import dev.entente.samples.shop.Sql;
import dev.entente.samples.shop.Web;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One side of the bank: the accounts kept in one database (PostgreSQL or MariaDB, the same code).
 * Credits and debits join the caller's global transaction (its XID arrives with the request) and
 * record each movement in a ledger row keyed by the transfer, with the XID it ran in, so the
 * checker can tell afterwards which transfers took effect here. Each movement holds a ZooKeeper lock
 * on its account ({@code @Locked}) until the transfer is finished. No Entente code but annotations.
 *
 * <p>Tables: {@code accounts(account, balance)}, {@code ledger(transfer_id, xid, account, delta)}.
 */
public final class AccountService {

    private final DataSource database;

    AccountService(DataSource database) {
        this.database = database;
    }

    @GlobalTransactional
    @Locked(key = "account:{1}")
    public String credit(String transfer, String account, int amount) throws SQLException {
        return move(transfer, account, amount);
    }

    /** Refused (409, rolling the transfer back) when the balance is short. */
    @GlobalTransactional
    @Locked(key = "account:{1}")
    public String debit(String transfer, String account, int amount) throws SQLException {
        return move(transfer, account, -amount);
    }

    private String move(String transfer, String account, int delta) throws SQLException {
        String xid = GlobalTransaction.currentXid().orElseThrow(
                () -> new Refused(400, "transfer " + transfer + " arrived without a global transaction"));
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int balance = balance(connection, account);
                if (balance + delta < 0) {
                    throw new Refused(409, "balance short: " + account + " has " + balance + ", transfer " + transfer
                            + " takes " + -delta);
                }
                Sql.update(connection, "update accounts set balance = balance + ? where account = ?", delta, account);
                Sql.update(connection, "insert into ledger (transfer_id, xid, account, delta) values (?, ?, ?, ?)",
                        transfer, xid, account, delta);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return (delta < 0 ? "debited " : "credited ") + Math.abs(delta) + " on " + account + " for " + transfer + " in " + xid;
    }

    private static int balance(Connection connection, String account) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select balance from accounts where account = ? for update")) {
            statement.setString(1, account);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new Refused(404, "unknown account " + account);
                }
                return row.getInt(1);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("account", "AccountService --name NAME --port P --database JDBC_URL", args);
        AccountService service = new AccountService(Pools.open(options.get("name"), options.get("database")));
        new Web(options.port())
                .route("/credit", q -> service.credit(Web.required(q, "transfer"), Web.required(q, "account"),
                        Web.positive(q, "amount")))
                .route("/debit", q -> service.debit(Web.required(q, "transfer"), Web.required(q, "account"),
                        Web.positive(q, "amount")))
                .start(options.get("name"));
    }
}
