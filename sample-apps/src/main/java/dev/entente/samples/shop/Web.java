package dev.entente.samples.shop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The JDK's HTTP server on loopback, as the shop's services use it: one handler per path, query
 * parameters in, a line of text out. {@link Refused} becomes its status; anything else a 500.
 */
public final class Web {

    /** Handles one request's query parameters; returns the reply body. */
    public interface Handler {
        String handle(Map<String, String> query) throws Exception;
    }

    private final HttpServer server;

    public Web(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        server.setExecutor(Executors.newFixedThreadPool(16));
    }

    public Web route(String path, Handler handler) {
        server.createContext(path, exchange -> respond(exchange, handler));
        return this;
    }

    public void start(String service) {
        server.start();
        System.out.println(service + " ready on " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        int status = 200;
        String body;
        try {
            body = handler.handle(query(exchange));
        } catch (Refused refused) {
            status = refused.status();
            body = refused.getMessage();
        } catch (Exception e) {
            status = 500;
            body = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> values = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }

    /** A required query parameter. */
    public static String required(Map<String, String> query, String name) throws Refused {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            throw new Refused(400, "missing query parameter '" + name + "'");
        }
        return value;
    }

    /** A required positive whole-number query parameter. */
    public static int positive(Map<String, String> query, String name) throws Refused {
        String value = required(query, name);
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new Refused(400, "query parameter '" + name + "' must be a positive whole number, not '" + value + "'");
    }
}
