package dev.entente.agent.apps;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * {@link HttpApp} as a Spring WebFlux annotated controller on Reactor Netty, set up as Spring's reference
 * shows WebFlux without Spring Boot. The controller reads the request's body first (so it runs when the
 * body has arrived), then answers the route's text; a handler's exception is the answer's error signal,
 * which WebFlux answers with 500. {@code elastic}: the handler runs on {@code Schedulers.boundedElastic()}, as
 * blocking work should in WebFlux; otherwise in the controller method itself, on Reactor Netty's event loop.
 */
final class WebFluxHttpApp implements HttpApp {

    private final int port;
    private final boolean elastic;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();

    WebFluxHttpApp(int port, boolean elastic) {
        this.port = port;
        this.elastic = elastic;
    }

    @Override
    public void route(String path, Handler handler) {
        routes.put(path, handler);
    }

    @Override
    public void start() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(WebFluxSetup.class);
        context.registerBean(RouteController.class, () -> new RouteController(routes, elastic));
        context.refresh();
        HttpHandler handler = WebHttpHandlerBuilder.applicationContext(context).build();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(port)
                .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
        HttpApp.ready(port);
        server.onDispose().block();
    }

    @Configuration
    @EnableWebFlux
    static class WebFluxSetup {
    }

    @RestController
    static class RouteController {
        private final Map<String, Handler> routes;
        private final boolean elastic;

        RouteController(Map<String, Handler> routes, boolean elastic) {
            this.routes = routes;
            this.elastic = elastic;
        }

        @PostMapping("/**")
        Mono<String> post(ServerHttpRequest request, @RequestBody(required = false) String body) throws Exception {
            Handler handler = routes.get(request.getPath().value());
            if (handler == null) {
                throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no route " + request.getPath());
            }
            Map<String, String> query = HttpApp.query(request.getURI().getRawQuery());
            if (elastic) {
                return Mono.fromCallable(() -> handler.handle(query)).subscribeOn(Schedulers.boundedElastic());
            }
            return Mono.just(handler.handle(query));
        }
    }
}
