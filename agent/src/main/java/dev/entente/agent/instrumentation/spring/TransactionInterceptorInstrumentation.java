package dev.entente.agent.instrumentation.spring;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Spring's {@code TransactionInterceptor.invoke}: a method annotated both {@code @Transactional} and
 * {@code @GlobalTransactional} gets its global transaction around Spring's local one, so that Spring's
 * commit (which prepares the branch) comes before the global transaction ends, as it would if the two
 * annotations sat on two methods, one calling the other.
 */
public final class TransactionInterceptorInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("org.springframework.transaction.interceptor.TransactionInterceptor");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice().advice(named("invoke").and(takesArguments(1)), InvokeAdvice.class.getName());
    }

    public static final class InvokeAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.Argument(0) Object invocation) throws Throwable {
            return Hooks.transactions.enterInterceptor(invocation);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object scope,
                                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
                                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (scope != null) {
                thrown = Hooks.transactions.exit(scope, returned, thrown);
            }
        }
    }
}
