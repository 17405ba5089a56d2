package dev.entente.agent.instrumentation.apachehttpclient;

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
 * Apache HttpClient 5, async API ({@code CloseableHttpAsyncClient} as {@code HttpAsyncClients} builds
 * it, HTTP/1.1 and HTTP/2): every {@code execute(...)} variant produces its request, on the caller's
 * thread, into {@code executeImmediate(HttpRequest, AsyncEntityProducer, Scope, AsyncExecChain,
 * AsyncExecCallback)}, with the callback that will be handed the response on an I/O thread. A request
 * sent under a global transaction gets its XID header there, and its callback is replaced by one that
 * takes the votes of the response before the application's consumer (and so its future) sees it.
 */
public final class AsyncHttpClientInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("executeImmediate").and(takesArguments(5))
                                .and(takesArgument(0, named("org.apache.hc.core5.http.HttpRequest")))
                                .and(takesArgument(4, named("org.apache.hc.client5.http.async.AsyncExecCallback"))),
                        ExecuteAdvice.class.getName());
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(0) Object request,
                                 @Advice.Argument(value = 4, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callback) {
            String xid = TransactionContext.currentXid();
            if (xid != null && request != null) {
                Hooks.http.outgoing(request, xid);
                callback = Hooks.http.takingVotes(xid, callback);
            }
        }
    }
}
