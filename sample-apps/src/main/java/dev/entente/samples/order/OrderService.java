package dev.entente.samples.order;

import dev.entente.api.GlobalTransactional;
import dev.entente.api.Publish;
import dev.entente.samples.shop.Arguments;
import dev.entente.samples.shop.Pools;
import dev.entente.samples.shop.Refused;
import dev.entente.samples.shop.Sql;
import dev.entente.samples.shop.Web;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The order service (PostgreSQL): places an order as one global transaction — records it, reserves
 * the stock at the inventory service, takes the payment at the payment service and publishes
 * {@link OrderPlaced} to Kafka. Any refusal or failure rolls all three back, and nothing is published.
 */
public final class OrderService {

    /** Every item costs the same in this shop. */
    static final int UNIT_PRICE = 5;
    /** Where {@link OrderPlaced} goes; the topic must exist (bin/entente sandbox creates it). */
    public static final String TOPIC = "orders.placed";

    private final DataSource database;
    private final String inventory;
    private final String payment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OrderService(DataSource database, String inventory, String payment) {
        this.database = database;
        this.inventory = inventory;
        this.payment = payment;
    }

    /**
     * Returns the event, which Entente publishes if and only if the transaction commits: the coordinator
     * keeps it with the commit decision and sends it to Kafka after the decision.
     */
    @GlobalTransactional(timeoutMillis = 20_000, rollbackFor = Exception.class)
    @Publish(topic = TOPIC, key = "{result.orderId}")
    public OrderPlaced placeOrder(String order, String customer, String sku, int quantity) throws SQLException, InterruptedException {
        int amount = quantity * UNIT_PRICE;
        try (Connection connection = database.getConnection()) {
            Sql.update(connection, "insert into orders (id, customer, sku, quantity, amount) values (?, ?, ?, ?, ?)",
                    order, customer, sku, quantity, amount);
        }
        call(inventory + "/reserve?order=" + encode(order) + "&sku=" + encode(sku) + "&quantity=" + quantity);
        call(payment + "/pay?order=" + encode(order) + "&customer=" + encode(customer) + "&amount=" + amount);
        return new OrderPlaced(order, customer, sku, quantity, amount);
    }

    /**
     * POSTs to another service; its refusal (a 4xx) or failure becomes ours, and rolls the order back.
     * A service that cannot be reached makes this one answer 503.
     */
    private void call(String url) throws InterruptedException {
        HttpResponse<String> reply;
        try {
            reply = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused(503, URI.create(url).getPath() + " unreachable: " + e);
        }
        if (reply.statusCode() != 200) {
            int status = reply.statusCode() >= 400 && reply.statusCode() < 500 ? reply.statusCode() : 502;
            throw new Refused(status, reply.body().strip());
        }
    }

    private static String placed(OrderPlaced order) {
        return "placed " + order.orderId() + ": " + order.quantity() + " x " + order.sku() + " for " + order.customer()
                + ", " + order.amount() + "; OrderPlaced to " + TOPIC;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("order",
                "OrderService --port P --database JDBC_URL --inventory http://host:port --payment http://host:port", args);
        OrderService service = new OrderService(Pools.open("order", options.get("database")), options.get("inventory"),
                options.get("payment"));
        new Web(options.port())
                .route("/order", q -> placed(service.placeOrder(Web.required(q, "id"), Web.required(q, "customer"),
                        Web.required(q, "sku"), Web.positive(q, "quantity"))))
                .start("order");
    }
}
