package dev.entente.agent.instrumentation.jettyclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The Jetty client's {@code ResponseListeners}: when a response's headers are in, {@code
 * notifyHeaders(Response)} tells the request's listeners, on an I/O thread, before any of them sees
 * the response's content or its completion. Before that, the votes the response carries are taken, for
 * the XID its request carried.
 */
public final class JettyResponseListenersInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.eclipse.jetty.client.transport.ResponseListeners");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("notifyHeaders").and(takesArguments(1))
                                .and(takesArgument(0, named("org.eclipse.jetty.client.Response"))),
                        HeadersAdvice.class.getName());
    }

    public static final class HeadersAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object response) {
            if (response != null) {
                Hooks.http.responseArrived(response);
            }
        }
    }
}
