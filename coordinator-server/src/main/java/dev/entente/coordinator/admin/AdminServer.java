package dev.entente.coordinator.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The coordinator's admin HTTP endpoint: {@code GET /cluster} and {@code GET /transactions} (JSON) and
 * {@code GET /metrics} (Prometheus text). Read-only.
 */
public final class AdminServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the endpoints show, read at request time. */
    public interface Views {
        Map<String, Object> cluster();

        Object transactions();

        String metrics();
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "entente-admin-http");
        thread.setDaemon(true);
        return thread;
    });

    public AdminServer(String host, int port, Views views) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 50);
        server.setExecutor(executor);
        server.createContext("/cluster", exchange -> serve(exchange, "/cluster", () -> json(views.cluster())));
        server.createContext("/transactions", exchange -> serve(exchange, "/transactions", () -> json(views.transactions())));
        server.createContext("/metrics", exchange -> serve(exchange, "/metrics", views::metrics));
        server.createContext("/", exchange -> respond(exchange, 404, "application/json",
                json(Map.of("error", "no such endpoint: " + exchange.getRequestURI().getPath()
                        + " (try /cluster, /transactions, /metrics)"))));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, String path, Supplier<String> body) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            respond(exchange, 404, "application/json", json(Map.of("error", "no such endpoint: " + exchange.getRequestURI().getPath())));
        } else if (!exchange.getRequestMethod().equals("GET")) {
            respond(exchange, 405, "application/json", json(Map.of("error", path + " answers GET only")));
        } else {
            String type = path.equals("/metrics") ? "text/plain; version=0.0.4; charset=utf-8" : "application/json";
            try {
                respond(exchange, 200, type, body.get());
            } catch (RuntimeException e) {
                respond(exchange, 500, "application/json", json(Map.of("error", String.valueOf(e))));
            }
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
