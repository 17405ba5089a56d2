package dev.entente.samples.payment;

import dev.entente.api.GlobalTransactional;
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
 * The payment service (PostgreSQL): debits a customer for an order, refusing when the balance is
 * short. Tables {@code accounts(customer, balance)} and {@code payments(order_id, customer, amount)}.
 */
public final class PaymentService {

    private final DataSource database;

    PaymentService(DataSource database) {
        this.database = database;
    }

    /** Joins the caller's global transaction (the XID arrives with the request). */
    @GlobalTransactional
    public String pay(String order, String customer, int amount) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int balance = balance(connection, customer);
                if (balance < amount) {
                    throw new Refused(402, "balance short: " + customer + " has " + balance + ", order " + order + " costs " + amount);
                }
                Sql.update(connection, "update accounts set balance = balance - ? where customer = ?", amount, customer);
                Sql.update(connection, "insert into payments (order_id, customer, amount) values (?, ?, ?)", order, customer, amount);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return "paid " + amount + " by " + customer + " for " + order;
    }

    private static int balance(Connection connection, String customer) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select balance from accounts where customer = ? for update")) {
            statement.setString(1, customer);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new Refused(404, "unknown customer " + customer);
                }
                return row.getInt(1);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("payment", "PaymentService --port P --database JDBC_URL", args);
        PaymentService service = new PaymentService(Pools.open("payment", options.get("database")));
        new Web(options.port())
                .route("/pay", q -> service.pay(Web.required(q, "order"), Web.required(q, "customer"), Web.positive(q, "amount")))
                .start("payment");
    }
}
