package dev.entente.agent.instrumentation.grpc;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * grpc-java's server call ({@code ServerCallImpl}): made with the request's headers, where the
 * transaction's context is read; closed with a status, where a status other than OK fails the call's work.
 */
public final class ServerCallInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("io.grpc.internal.ServerCallImpl");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(isConstructor().and(takesArgument(2, named("io.grpc.Metadata"))), CreatedAdvice.class.getName())
                .advice(named("close").and(takesArguments(2)).and(takesArgument(0, named("io.grpc.Status"))),
                        CloseAdvice.class.getName());
    }

    public static final class CreatedAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.This Object call, @Advice.Argument(2) Object headers) {
            Hooks.rpc.callArrived(call, headers);
        }
    }

    public static final class CloseAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Object call, @Advice.Argument(0) Object status) {
            Hooks.rpc.callClosing(call, status);
        }
    }
}
