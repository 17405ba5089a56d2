package dev.entente.agent.instrumentation.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Spring's {@code WebClient}: {@code retrieve()}, {@code exchangeToMono} and {@code exchangeToFlux} all build
 * their request in the request spec's {@code exchange()}, on the caller's thread, and get the {@code
 * Mono<ClientResponse>} that sends it when subscribed, on whichever thread, with any connector. A request
 * built under a global transaction gets its headers there, and that {@code Mono} is replaced by one that
 * takes the votes of the response (on the connector's I/O thread) before any of the application's code
 * sees it. The spec is typed {@code Object}: the agent does not compile against Spring, whose version is
 * the application's.
 */
public final class WebClientExchangeInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.springframework.web.reactive.function.client.DefaultWebClient$DefaultRequestBodyUriSpec");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("exchange").and(takesArguments(0)), ExchangeAdvice.class.getName());
    }

    public static final class ExchangeAdvice {
        @Advice.OnMethodEnter
        public static String enter(@Advice.This Object spec) {
            String xid = TransactionContext.currentXid();
            if (xid != null) {
                Hooks.http.outgoing(spec, xid);
            }
            return xid;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter String xid,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response) {
            if (xid != null && response != null) {
                response = Hooks.http.responseReturned(xid, response);
            }
        }
    }
}
