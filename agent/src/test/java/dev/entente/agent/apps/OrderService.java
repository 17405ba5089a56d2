package dev.entente.agent.apps;

import dev.entente.api.GlobalTransactional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Service A of the tests: records an order in PostgreSQL and reserves its stock at service B over
 * HTTP, inside one {@code @GlobalTransactional} method. Knows nothing of Entente beyond the annotation.
 * Arguments: port, JDBC URL, hikari|drivermanager|spring, the stock service's base URL, and optionally
 * the HTTP client that calls it (see {@link HttpCaller}; default jdk).
 */
public final class OrderService {

    /**
     * What {@code /order} asks for; the query parameters are in brackets.
     *
     * @param failure        [fail] none, in-stock-service (the stock update fails) or after-stock-service
     * @param sleepMillis    [sleep] how long to sleep before the transaction ends
     * @param stockRequest   [stock] the path and query posted to the stock service; by default its {@code /reserve}
     * @param stockErrorsIgnored [stock-errors=ignore] commit even if the stock service answered an error
     * @param resumeSignal   [resume-on] after the stock service answered, wait for {@code /resume?signal=} before
     *                       ending: a test acts on the open transaction meanwhile
     * @param patient        [timeout=long] 60 s before the transaction times out instead of 3 s, for such a test
     *                       or a first call that loads much (a first {@code @Publish})
     */
    record Order(String id, String sku, int quantity, String failure, long sleepMillis, String stockRequest,
                 boolean stockErrorsIgnored, String resumeSignal, boolean patient) {

        static Order of(Map<String, String> query) {
            String sku = query.get("sku");
            int quantity = Integer.parseInt(query.get("quantity"));
            String failure = query.getOrDefault("fail", "none");
            return new Order(query.get("id"), sku, quantity, failure, Long.parseLong(query.getOrDefault("sleep", "0")),
                    query.getOrDefault("stock", "/reserve?sku=" + sku + "&quantity=" + quantity
                            + "&fail=" + failure.equals("in-stock-service")),
                    query.getOrDefault("stock-errors", "fail").equals("ignore"), query.getOrDefault("resume-on", ""),
                    query.getOrDefault("timeout", "short").equals("long"));
        }
    }

    private final ShopDatabase database;
    private final String stockService;
    private final HttpCaller http;
    private final Map<String, CountDownLatch> resumptions = new ConcurrentHashMap<>();

    OrderService(ShopDatabase database, String stockService, HttpCaller http) {
        this.database = database;
        this.stockService = stockService;
        this.http = http;
    }

    @GlobalTransactional(timeoutMillis = 3000)
    public String placeOrder(Order order) throws Exception {
        return place(order);
    }

    /** The same with 60 s to time out (see {@link Order#patient()}). */
    @GlobalTransactional(timeoutMillis = 60_000)
    public String placeOrderPatiently(Order order) throws Exception {
        return place(order);
    }

    private String place(Order order) throws Exception {
        // through CompletableFuture's common pool: the task carries the transaction across the hand-off
        CompletableFuture.runAsync(() -> {
            try {
                database.update("insert into orders(id, sku, quantity) values (?, ?, ?)",
                        new Object[] {order.id(), order.sku(), order.quantity()}, false);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }).join();
        HttpCaller.Reply reply = http.post(stockService + order.stockRequest());
        if (reply.status() != 200 && !order.stockErrorsIgnored()) {
            throw new IllegalStateException("stock service answered " + reply.status() + ": " + reply.body());
        }
        if (order.failure().equals("after-stock-service")) {
            throw new IllegalStateException("order service failed after the stock service returned (as asked)");
        }
        if (!order.resumeSignal().isEmpty()) {
            System.out.println("order " + order.id() + " waits for signal " + order.resumeSignal() + "; stock service answered "
                    + reply.status() + ": " + reply.body());
            System.out.flush();
            if (!resumption(order.resumeSignal()).await(50, TimeUnit.SECONDS)) {
                throw new IllegalStateException("order " + order.id() + ": no signal " + order.resumeSignal() + " within 50 s");
            }
        }
        Thread.sleep(order.sleepMillis());
        return "placed " + order.id() + "; " + reply.body();
    }

    private CountDownLatch resumption(String signal) {
        return resumptions.computeIfAbsent(signal, s -> new CountDownLatch(1));
    }

    public static void main(String[] args) throws Exception {
        OrderService service = new OrderService(ShopDatabase.open(args[1], args[2]), args[3],
                HttpCaller.create(args.length > 4 ? args[4] : "jdk"));
        HttpApp app = HttpApp.create("jdk", Integer.parseInt(args[0]));
        app.route("/order", q -> {
            Order order = Order.of(q);
            return order.patient() ? service.placeOrderPatiently(order) : service.placeOrder(order);
        });
        app.route("/resume", q -> {
            service.resumption(q.get("signal")).countDown();
            return "resumed " + q.get("signal");
        });
        app.start();
    }
}
