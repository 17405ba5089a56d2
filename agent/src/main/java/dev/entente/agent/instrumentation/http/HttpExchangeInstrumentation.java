package dev.entente.agent.instrumentation.http;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code HttpExchange.sendResponseHeaders}: the caller may act on the response as soon as it arrives,
 * so this service's open branches prepare before the response leaves, not after the handler returns.
 */
public final class HttpExchangeInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("com.sun.net.httpserver.HttpExchange");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("sendResponseHeaders").and(not(isAbstract())), SendResponseAdvice.class.getName());
    }

    public static final class SendResponseAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object exchange, @Advice.Argument(0) int status) {
            Hooks.http.responseStarting(exchange, status);
        }
    }
}
