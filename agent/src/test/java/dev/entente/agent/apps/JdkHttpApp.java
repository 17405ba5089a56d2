package dev.entente.agent.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** {@link HttpApp} on the JDK's own HTTP server. */
final class JdkHttpApp implements HttpApp {

    private final HttpServer server;

    JdkHttpApp(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(Executors.newFixedThreadPool(8));
    }

    @Override
    public void route(String path, Handler handler) {
        server.createContext(path, exchange -> respond(exchange, handler));
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        Answer answer = Answer.of(handler, exchange.getRequestURI().getRawQuery());
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void start() {
        server.start();
        HttpApp.ready(server.getAddress().getPort());
    }
}
