package dev.entente.agent.instrumentation.http;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import java.net.http.HttpRequest;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code java.net.http.HttpClient}: requests sent under a global transaction carry its XID, and the
 * votes their responses return are taken (by {@code sendAsync}'s future before it completes).
 */
public final class HttpClientInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("jdk.internal.net.http.HttpClientImpl");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(namedOneOf("send", "sendAsync").and(takesArgument(0, named("java.net.http.HttpRequest"))),
                        SendAdvice.class.getName());
    }

    /** Both methods: the request gets the headers; what they return (a response, or its future) gives the votes. */
    public static final class SendAdvice {
        @Advice.OnMethodEnter
        public static String enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request) {
            String xid = TransactionContext.currentXid();
            if (xid != null && request != null) {
                request = (HttpRequest) Hooks.http.outgoing(request, xid);
            }
            return xid;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter String xid,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
            if (xid != null && returned != null) {
                returned = Hooks.http.responseReturned(xid, returned);
            }
        }
    }
}
