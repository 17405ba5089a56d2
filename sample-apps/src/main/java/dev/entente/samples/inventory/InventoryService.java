package dev.entente.samples.inventory;

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
 * The inventory service (MariaDB): reserves stock for an order. Tables {@code stock(sku, quantity)} and
 * {@code reservations(order_id, sku, quantity)}; a reservation moves quantity from one to the other.
 */
public final class InventoryService {

    private final DataSource database;

    InventoryService(DataSource database) {
        this.database = database;
    }

    /**
     * Joins the caller's global transaction (the XID arrives with the request). The stock row is read
     * and written without database locking: the {@code @Locked} key on the sku, held until the
     * transaction is finished, is what keeps two reservations of one sku from losing an update.
     */
    @GlobalTransactional
    @Locked(key = "sku:{1}", waitMillis = 15_000)
    public String reserve(String order, String sku, int quantity) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int inStock = inStock(connection, sku);
                if (inStock < quantity) {
                    throw new Refused(409, "out of stock: " + sku + " has " + inStock + ", order " + order + " wants " + quantity);
                }
                Sql.update(connection, "update stock set quantity = quantity - ? where sku = ?", quantity, sku);
                Sql.update(connection, "insert into reservations (order_id, sku, quantity) values (?, ?, ?)", order, sku, quantity);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return "reserved " + quantity + " " + sku + " for " + order;
    }

    private static int inStock(Connection connection, String sku) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select quantity from stock where sku = ?")) {
            statement.setString(1, sku);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new Refused(404, "unknown sku " + sku);
                }
                return row.getInt(1);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("inventory", "InventoryService --port P --database JDBC_URL", args);
        InventoryService service = new InventoryService(Pools.open("inventory", options.get("database")));
        new Web(options.port())
                .route("/reserve", q -> service.reserve(Web.required(q, "order"), Web.required(q, "sku"), Web.positive(q, "quantity")))
                .start("inventory");
    }
}
