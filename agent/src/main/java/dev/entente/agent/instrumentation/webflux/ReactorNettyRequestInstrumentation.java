package dev.entente.agent.instrumentation.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Reactor Netty's server request ({@code HttpServerOperations}): {@code onInboundNext} hands each of its
 * events to the application on the connection's event loop: the request's arrival (where the server's
 * handler, WebFlux, is applied and subscribed to), each part of its body, its end. A request joined to a
 * global transaction has it bound for each.
 */
public final class ReactorNettyRequestInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("reactor.netty.http.server.HttpServerOperations");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("onInboundNext").and(takesArguments(2)), EventAdvice.class.getName());
    }

    public static final class EventAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.This Object request) {
            return Hooks.reactive.eventStarted(request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object binding) {
            if (binding != null) {
                Hooks.reactive.eventEnded(binding);
            }
        }
    }
}
