package dev.entente.agent.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * OkHttp's {@code RealCall}: every call's response, {@code execute}d on the caller's thread or {@code
 * enqueue}d on the dispatcher's, comes out of {@code getResponseWithInterceptorChain} before the
 * application sees it; there the votes it carries are taken, for the XID its request carried (the
 * thread that runs an enqueued call need not be in the transaction).
 */
public final class RealCallInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("okhttp3.internal.connection.RealCall");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        // Kotlin's name for an internal method: getResponseWithInterceptorChain$okhttp
        return TypeInstrumentation.advice()
                .advice(nameStartsWith("getResponseWithInterceptorChain").and(takesArguments(0)),
                        ResponseAdvice.class.getName());
    }

    public static final class ResponseAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Return Object response) {
            if (response != null) {
                Hooks.http.responseArrived(response);
            }
        }
    }
}
