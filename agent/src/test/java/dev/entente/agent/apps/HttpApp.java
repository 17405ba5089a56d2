package dev.entente.agent.apps;

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

/** The plain JDK HTTP server the test services use: one handler per path, answers in text. */
final class HttpApp {

    interface Handler {
        String handle(Map<String, String> query) throws Exception;
    }

    private final HttpServer server;

    HttpApp(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(Executors.newFixedThreadPool(8));
    }

    void route(String path, Handler handler) {
        server.createContext(path, exchange -> respond(exchange, handler));
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        int status = 200;
        String body;
        try {
            body = handler.handle(query(exchange));
        } catch (Exception e) {
            e.printStackTrace(); // into the service's log, for the test that reads it
            status = 500;
            body = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
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

    void start() {
        server.start();
        System.out.println("ready on " + server.getAddress().getPort());
        System.out.flush();
    }
}
