package dev.entente.agent.apps;

import dev.entente.api.GlobalTransactional;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The service that begins the global transactions {@link SpringJoinedStockApp} joins: each writes row N to
 * PostgreSQL and posts to the stock service. Calls (printed {@code call N ...}, then {@code returned N} or {@code
 * threw N: EXCEPTION}): 1 commits; 2 fails after the stock service answered (the caller rolls back); 3 asks the
 * stock service to fail (its local transaction rolls back); 4 has the stock service announce only (no branch
 * there), within a 3 s timeout. Arguments: the PostgreSQL URL, the stock service's base URL.
 */
public class SpringJoinedCaller {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static String postgres;
    static String stock;

    public static void main(String[] args) throws Exception {
        postgres = args[0];
        stock = args[1];
        try (Connection connection = DriverManager.getConnection(postgres); Statement statement = connection.createStatement()) {
            statement.executeUpdate("create table ledger (id int primary key)");
        }
        call(1, "commit", () -> order(1, "/take?id=1", false));
        call(2, "the caller fails after the stock service answered", () -> order(2, "/take?id=2", true));
        call(3, "the stock service's local transaction fails", () -> order(3, "/take?id=3&fail=true", false));
        call(4, "the stock service's local transaction has no branch", () -> orderWithinThreeSeconds(4, "/announce?id=4"));
        System.out.println("done");
    }

    interface Call {
        void run() throws Exception;
    }

    private static void call(int id, String what, Call call) {
        System.out.println("call " + id + " " + what);
        try {
            call.run();
            System.out.println("returned " + id);
        } catch (Exception e) {
            System.out.println("threw " + id + ": " + e);
        }
    }

    @GlobalTransactional
    static void order(int id, String path, boolean failAfter) throws Exception {
        record(id, path);
        if (failAfter) {
            throw new IllegalStateException("the caller fails after the stock service answered (as asked)");
        }
    }

    @GlobalTransactional(timeoutMillis = 3000)
    static void orderWithinThreeSeconds(int id, String path) throws Exception {
        record(id, path);
    }

    private static void record(int id, String path) throws Exception {
        try (Connection connection = DriverManager.getConnection(postgres);
             PreparedStatement insert = connection.prepareStatement("insert into ledger values (?)")) {
            insert.setInt(1, id);
            insert.executeUpdate();
        }
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(stock + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IllegalStateException("the stock service answered " + reply.statusCode() + ": " + reply.body());
        }
    }
}
