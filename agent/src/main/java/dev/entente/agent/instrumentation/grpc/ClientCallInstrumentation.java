package dev.entente.agent.instrumentation.grpc;

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
 * grpc-java's client calls: {@code start(Listener, Metadata)} of the call a channel makes ({@code
 * ClientCallImpl}), or of the call that stands for it while the channel is not ready yet ({@code
 * DelayedClientCall}, which starts the real one later, on another thread, with the same headers). A call
 * started under a global transaction gets its headers there, on the caller's thread.
 */
public final class ClientCallInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("io.grpc.internal.ClientCallImpl", "io.grpc.internal.DelayedClientCall");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("start").and(takesArguments(2)).and(takesArgument(1, named("io.grpc.Metadata"))),
                        StartAdvice.class.getName());
    }

    public static final class StartAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.Argument(1) Object headers) {
            String xid = TransactionContext.currentXid();
            if (xid != null && headers != null) {
                Hooks.rpc.callStarting(headers, xid);
            }
        }
    }
}
