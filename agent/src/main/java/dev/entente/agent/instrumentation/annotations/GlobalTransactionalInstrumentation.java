package dev.entente.agent.instrumentation.annotations;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Methods annotated {@code @GlobalTransactional}: the runtime begins, joins or suspends around them. */
public final class GlobalTransactionalInstrumentation implements TypeInstrumentation {

    private static final String ANNOTATION = "dev.entente.api.GlobalTransactional";

    @Override
    public ElementMatcher<? super TypeDescription> types() {
        return declaresMethod(isAnnotatedWith(named(ANNOTATION)));
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(isAnnotatedWith(named(ANNOTATION)).and(not(isAbstract())), TransactionalAdvice.class.getName());
    }

    public static final class TransactionalAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.Origin Class<?> type, @Advice.Origin("#m#d") String method) throws Throwable {
            return Hooks.transactions.enter(type, method, null);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object scope, @Advice.Thrown(readOnly = false) Throwable thrown) {
            thrown = Hooks.transactions.exit(scope, thrown);
        }
    }
}
