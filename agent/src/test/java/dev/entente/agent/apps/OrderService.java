package dev.entente.agent.apps;

import dev.entente.api.GlobalTransactional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Service A of the tests: records an order in PostgreSQL and reserves its stock at service B over
 * HTTP, inside one {@code @GlobalTransactional} method. Knows nothing of Entente beyond the annotation.
 * Arguments: port, JDBC URL, hikari|drivermanager|spring, the stock service's base URL, and optionally
 * the HTTP client that calls it (see {@link HttpCaller}; default jdk).
 */
public final class OrderService {

    private final ShopDatabase database;
    private final String stockService;
    private final HttpCaller http;

    OrderService(ShopDatabase database, String stockService, HttpCaller http) {
        this.database = database;
        this.stockService = stockService;
        this.http = http;
    }

    @GlobalTransactional(timeoutMillis = 3000)
    public String placeOrder(String id, String sku, int quantity, String failure, long sleepMillis) throws Exception {
        // through CompletableFuture's common pool: the task carries the transaction across the hand-off
        CompletableFuture.runAsync(() -> {
            try {
                database.update("insert into orders(id, sku, quantity) values (?, ?, ?)", new Object[] {id, sku, quantity}, false);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }).join();
        HttpCaller.Reply reply = http.post(stockService + "/reserve?sku=" + sku + "&quantity=" + quantity
                + "&fail=" + failure.equals("in-stock-service"));
        if (reply.status() != 200) {
            throw new IllegalStateException("stock service answered " + reply.status() + ": " + reply.body());
        }
        if (failure.equals("after-stock-service")) {
            throw new IllegalStateException("order service failed after the stock service returned (as asked)");
        }
        Thread.sleep(sleepMillis);
        return "placed " + id + "; " + reply.body();
    }

    public static void main(String[] args) throws Exception {
        OrderService service = new OrderService(ShopDatabase.open(args[1], args[2]), args[3],
                HttpCaller.create(args.length > 4 ? args[4] : "jdk"));
        HttpApp app = HttpApp.create("jdk", Integer.parseInt(args[0]));
        app.route("/order", q -> service.placeOrder(q.get("id"), q.get("sku"), Integer.parseInt(q.get("quantity")),
                q.getOrDefault("fail", "none"), Long.parseLong(q.getOrDefault("sleep", "0"))));
        app.start();
    }
}
