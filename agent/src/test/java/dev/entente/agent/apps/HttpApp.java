package dev.entente.agent.apps;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP server a test service runs behind: one handler per path, answers in text. {@code jdk} is
 * {@code com.sun.net.httpserver}, {@code tomcat9} a javax servlet in embedded Tomcat 9, {@code jetty12}
 * a jakarta servlet in Jetty 12, {@code webflux} a Spring WebFlux controller on Reactor Netty (the handler
 * on the event loop; {@code webflux-elastic}: on {@code boundedElastic}, see {@link WebFluxHttpApp}), {@code
 * grpc} the same routes over gRPC ({@link GrpcHttpApp}).
 */
interface HttpApp {

    interface Handler {
        String handle(Map<String, String> query) throws Exception;
    }

    /** What a handler's outcome is sent as: its text with 200, or the exception with 500. */
    record Answer(int status, String body) {
        static Answer of(Handler handler, String rawQuery) {
            try {
                return new Answer(200, handler.handle(query(rawQuery)));
            } catch (Exception e) {
                e.printStackTrace(); // into the service's log, for the test that reads it
                return new Answer(500, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    void route(String path, Handler handler);

    /** Starts serving, then prints the line {@code ServiceProcess} waits for. */
    void start() throws Exception;

    static HttpApp create(String server, int port) throws Exception {
        return switch (server) {
            case "jdk" -> new JdkHttpApp(port);
            case "tomcat9" -> new TomcatHttpApp(port);
            case "jetty12" -> new JettyHttpApp(port);
            case "webflux" -> new WebFluxHttpApp(port, false);
            case "webflux-elastic" -> new WebFluxHttpApp(port, true);
            case "grpc" -> new GrpcHttpApp(port);
            default -> throw new IllegalArgumentException("unknown HTTP server '" + server
                    + "' (jdk, tomcat9, jetty12, webflux, webflux-elastic, grpc)");
        };
    }

    static void ready(int port) {
        System.out.println("ready on " + port);
        System.out.flush();
    }

    /** The parameters of a request's raw query string. */
    static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }
}
