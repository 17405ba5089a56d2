package dev.entente.agent.instrumentation.http;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import com.sun.net.httpserver.HttpExchange;
import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/** {@code com.sun.net.httpserver.HttpHandler}: a request carrying an XID is handled inside that transaction. */
public final class HttpHandlerInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("com.sun.net.httpserver.HttpHandler");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("handle").and(takesArgument(0, named("com.sun.net.httpserver.HttpExchange"))),
                        HandleAdvice.class.getName());
    }

    public static final class HandleAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.Argument(0) HttpExchange exchange) {
            return Hooks.http.requestStarted(exchange.getRequestHeaders().getFirst(HttpHook.XID_HEADER), exchange, exchange);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
            Hooks.http.requestEnded(scope, thrown);
        }
    }
}
