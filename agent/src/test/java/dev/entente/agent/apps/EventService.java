package dev.entente.agent.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Publish;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The service of the {@code @Publish} tests: records orders in PostgreSQL and publishes an event for
 * each, inside and outside global transactions. Knows nothing of Entente beyond the api. Arguments:
 * port, PostgreSQL JDBC URL. Table: {@code orders(id)}.
 */
public final class EventService {

    /** The event: serialised as JSON by Entente. */
    public record OrderPlaced(String orderId, long amount, String note) {
    }

    private final HikariDataSource postgres;

    EventService(HikariDataSource postgres) {
        this.postgres = postgres;
    }

    /** Records the order and publishes OrderPlaced in one global transaction; {@code fail} throws after both. */
    @GlobalTransactional(timeoutMillis = 30_000)
    @Publish(topic = "orders.placed", key = "{result.orderId}")
    public OrderPlaced place(String orderId, long amount, boolean fail) throws SQLException {
        insert(orderId);
        if (fail) {
            throw new IllegalStateException("order " + orderId + " failed after its event was published");
        }
        return new OrderPlaced(orderId, amount, "");
    }

    /** Inside a global transaction begun by {@link #placeWithLargeNote}: a message the topic cannot take. */
    @Publish(topic = "orders.placed", key = "{0}")
    public OrderPlaced note(String orderId, int bytes) {
        return new OrderPlaced(orderId, 0, "x".repeat(bytes));
    }

    @GlobalTransactional(timeoutMillis = 30_000)
    public String placeWithLargeNote(String orderId, int bytes) throws SQLException {
        insert(orderId);
        note(orderId, bytes);
        return "placed " + orderId;
    }

    /** Outside any global transaction: published after a normal return, not after an exception. */
    @Publish(topic = "orders.placed", key = "{0}")
    public OrderPlaced announce(String orderId, boolean fail) {
        if (fail) {
            throw new IllegalArgumentException("announcement of " + orderId + " failed");
        }
        return new OrderPlaced(orderId, 0, "outside");
    }

    private void insert(String orderId) throws SQLException {
        try (Connection connection = postgres.getConnection();
             PreparedStatement statement = connection.prepareStatement("insert into orders(id) values (?)")) {
            statement.setString(1, orderId);
            statement.executeUpdate();
        }
    }

    public static void main(String[] args) throws Exception {
        EventService service = new EventService(ShopDatabase.hikari(args[1]));
        HttpApp app = HttpApp.create("jdk", Integer.parseInt(args[0]));
        app.route("/place", q -> {
            OrderPlaced placed = service.place(q.get("id"), Long.parseLong(q.get("amount")), Boolean.parseBoolean(q.get("fail")));
            return "placed " + placed.orderId();
        });
        app.route("/place-and-die", q -> { // test 3: the Commit call returned; the test kills this JVM at once
            service.place(q.get("id"), 1, false);
            System.out.println("committed " + q.get("id"));
            System.out.flush();
            Thread.sleep(60_000);
            return "still alive";
        });
        app.route("/place-large", q -> service.placeWithLargeNote(q.get("id"), Integer.parseInt(q.get("bytes"))));
        app.route("/announce", q -> "announced " + service.announce(q.get("id"), Boolean.parseBoolean(q.get("fail"))).orderId());
        app.start();
    }
}
