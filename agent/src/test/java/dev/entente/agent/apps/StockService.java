package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Locked;
import dev.entente.api.Publish;
import dev.entente.api.PublishException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Service B of the tests: reserves stock in MariaDB. It knows nothing of Entente beyond the api; the
 * XID arrives with the HTTP request. Besides {@code /reserve}, the ways a participant fails after its
 * own update went well (issue 16 item 3): {@code /reserve-then-fail}, {@code /reserve-locked} (whose
 * lock a test takes away) and {@code /reserve-and-announce} (whose announcement may be refused); and
 * {@code /reserve-then-answer-error}, whose request handler fails after the reserving method returned.
 * Arguments: port, JDBC URL, hikari|drivermanager|spring, and optionally the HTTP server it runs behind
 * (see {@link HttpApp}; default jdk).
 */
public final class StockService {

    /** Published to {@code stock.reserved} for each announced reservation, as JSON. */
    public record Reserved(String sku, int quantity, String note) {
    }

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

    /** Reserves, then fails: its update went well, only the request handler failed. */
    @GlobalTransactional
    public String reserveThenFail(String sku, int quantity) throws Exception {
        String reserved = reserve(sku, quantity, false);
        throw new IllegalStateException("the stock service failed after it " + reserved + " (as asked)");
    }

    /** Reserves under the lock on the SKU, which the transaction holds until it is finished. */
    @GlobalTransactional
    @Locked(key = "stock:{0}")
    public String reserveLocked(String sku, int quantity) throws Exception {
        return reserve(sku, quantity, false) + " holding the lock on stock:" + sku;
    }

    /**
     * Reserves and announces the reservation once per note size. Announcing is best effort to this
     * service: an announcement the coordinator refuses is answered, not thrown.
     */
    @GlobalTransactional
    public String reserveAndAnnounce(String sku, int quantity, List<Integer> noteSizes) throws Exception {
        String reserved = reserve(sku, quantity, false);
        for (int bytes : noteSizes) {
            try {
                announce(sku, quantity, bytes);
            } catch (PublishException e) {
                return reserved + "; announcement refused: " + e.getMessage();
            }
        }
        return reserved + "; announced";
    }

    @Publish(topic = "stock.reserved", key = "{0}")
    public Reserved announce(String sku, int quantity, int noteBytes) {
        return new Reserved(sku, quantity, "x".repeat(noteBytes));
    }

    public static void main(String[] args) throws Exception {
        StockService service = new StockService(ShopDatabase.open(args[1], args[2]));
        HttpApp app = HttpApp.create(args.length > 3 ? args[3] : "jdk", Integer.parseInt(args[0]));
        app.route("/reserve", q -> service.reserve(q.get("sku"), Integer.parseInt(q.get("quantity")),
                Boolean.parseBoolean(q.getOrDefault("fail", "false"))));
        app.route("/reserve-then-fail", q -> service.reserveThenFail(q.get("sku"), Integer.parseInt(q.get("quantity"))));
        app.route("/reserve-then-answer-error", q -> {
            String reserved = service.reserve(q.get("sku"), Integer.parseInt(q.get("quantity")), false);
            throw new IllegalStateException("the stock service's handler failed after it " + reserved + " (as asked)");
        });
        app.route("/reserve-locked", q -> service.reserveLocked(q.get("sku"), Integer.parseInt(q.get("quantity"))));
        app.route("/reserve-and-announce", q -> service.reserveAndAnnounce(q.get("sku"), Integer.parseInt(q.get("quantity")),
                Arrays.stream(q.get("notes").split(",")).map(Integer::valueOf).toList()));
        app.start();
    }
}
