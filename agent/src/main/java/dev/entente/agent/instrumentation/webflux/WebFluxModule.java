package dev.entente.agent.instrumentation.webflux;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/**
 * Spring WebFlux: requests its {@code WebClient} sends under a global transaction carry it, and a request
 * that WebFlux serves on Reactor Netty with a transaction runs its handling inside it.
 */
public final class WebFluxModule extends InstrumentationModule {

    public WebFluxModule() {
        super("spring-webflux",
                List.of(new WebClientExchangeInstrumentation(), new WebHandlerAdapterInstrumentation(),
                        new ReactorNettyRequestInstrumentation()),
                List.of(new SupportedLibrary("Spring `WebClient` (`retrieve()`, `exchangeToMono`, `exchangeToFlux`; "
                                + "the request built under the transaction)", "Spring 6.x", "Reactor Netty 1.2.11 connector, Spring 6.2.19",
                                "org.springframework:spring-webflux"),
                        new SupportedLibrary("Spring WebFlux server on Reactor Netty (the handling until its response "
                                + "commits)", "Spring 6.x, Reactor Netty 1.2.x", "Spring 6.2.19, Reactor Netty 1.2.11",
                                "io.projectreactor.netty:reactor-netty-http")));
    }
}
