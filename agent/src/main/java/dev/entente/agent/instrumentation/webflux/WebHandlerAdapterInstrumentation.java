package dev.entente.agent.instrumentation.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Spring WebFlux's {@code HttpWebHandlerAdapter.handle(ServerHttpRequest, ServerHttpResponse)}: every request
 * WebFlux serves (annotated controllers, functional endpoints, their web filters) is made into one {@code
 * Mono<Void>} here, which the server subscribes to. On Reactor Netty this runs in the request's first event:
 * a request carrying a transaction joins it here, and its work ends when its response commits.
 */
public final class WebHandlerAdapterInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.springframework.web.server.adapter.HttpWebHandlerAdapter");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("handle").and(takesArguments(2))
                                .and(takesArgument(1, named("org.springframework.http.server.reactive.ServerHttpResponse"))),
                        HandleAdvice.class.getName());
    }

    public static final class HandleAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Argument(1) Object response,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object handling) {
            if (handling != null) {
                handling = Hooks.reactive.handling(response, handling);
            }
        }
    }
}
