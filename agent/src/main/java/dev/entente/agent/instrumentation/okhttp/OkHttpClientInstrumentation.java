package dev.entente.agent.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code OkHttpClient.newCall(Request)}: a call made under a global transaction is made with a copy of
 * its request that carries the XID (OkHttp's requests are immutable), whichever thread later runs it.
 * The request is typed {@code Object} and the runtime copies it: the agent does not compile against
 * OkHttp, whose version is the application's.
 */
public final class OkHttpClientInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("okhttp3.OkHttpClient");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("newCall").and(takesArguments(1)).and(takesArgument(0, named("okhttp3.Request"))),
                        NewCallAdvice.class.getName());
    }

    public static final class NewCallAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object request) {
            String xid = TransactionContext.currentXid();
            if (xid != null && request != null) {
                request = Hooks.http.outgoing(request, xid);
            }
        }
    }
}
