package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Service B of the tests: reserves stock in MariaDB. It knows nothing of Entente beyond the
 * annotation; the XID arrives with the HTTP request.
 * Arguments: port, JDBC URL, hikari|drivermanager|spring, and optionally the HTTP server it runs behind
 * (see {@link HttpApp}; default jdk).
 */
public final class StockService {

    private final ShopDatabase database;
    private final ExecutorService workers = Executors.newFixedThreadPool(2);

    StockService(ShopDatabase database) {
        this.database = database;
    }

    @GlobalTransactional
    public String reserve(String sku, int quantity, boolean fail) throws Exception {
        // on a pool thread: the task carries the request's transaction across the hand-off
        workers.submit(() -> {
            database.update("update stock set quantity = quantity - ? where sku = ?", new Object[] {quantity, sku}, fail);
            return null;
        }).get();
        return "reserved " + quantity + " " + sku + " in " + GlobalTransaction.currentXid().orElse("no transaction");
    }

    public static void main(String[] args) throws Exception {
        StockService service = new StockService(ShopDatabase.open(args[1], args[2]));
        HttpApp app = HttpApp.create(args.length > 3 ? args[3] : "jdk", Integer.parseInt(args[0]));
        app.route("/reserve", q -> service.reserve(q.get("sku"), Integer.parseInt(q.get("quantity")),
                Boolean.parseBoolean(q.getOrDefault("fail", "false"))));
        app.start();
    }
}
