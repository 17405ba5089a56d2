package dev.entente.agent.instrumentation.grpc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * grpc-java's {@code ServerCallImpl.ServerStreamListenerImpl.halfClosed()}: the request is complete and
 * a unary or server-streaming handler runs, on the application's thread. It runs inside the transaction
 * its call arrived with; when it returns, the call's work prepares (or rolls back if it failed).
 */
public final class ServerStreamListenerInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("io.grpc.internal.ServerCallImpl$ServerStreamListenerImpl");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("halfClosed").and(takesArguments(0)), HalfClosedAdvice.class.getName());
    }

    public static final class HalfClosedAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.FieldValue(value = "call", typing = Assigner.Typing.DYNAMIC) Object call) {
            return Hooks.rpc.handlerStarted(call);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
            if (scope != null) {
                Hooks.rpc.handlerEnded(scope, thrown);
            }
        }
    }
}
