package dev.entente.agent.instrumentation.jettyclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The Jetty client's {@code HttpRequest}: the blocking {@code send()} and the asynchronous {@code
 * send(CompleteListener)} both go through the latter, on the caller's thread; a request sent there
 * under a global transaction gets its XID header. The request is typed {@code Object} and the runtime
 * sets the header: the agent does not compile against Jetty, whose version is the application's.
 */
public final class JettyRequestInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.eclipse.jetty.client.transport.HttpRequest");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("send").and(takesArguments(1))
                                .and(takesArgument(0, named("org.eclipse.jetty.client.Response$CompleteListener"))),
                        SendAdvice.class.getName());
    }

    public static final class SendAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object request) {
            String xid = TransactionContext.currentXid();
            if (xid != null) {
                Hooks.http.outgoing(request, xid);
            }
        }
    }
}
