package dev.entente.agent.instrumentation.annotations;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Methods annotated {@code @GlobalTransactional}, {@code @Locked} or {@code @Publish}: the runtime
 * begins, joins or suspends a transaction, takes the lock around them and publishes their result. One
 * advice for all, so a method carrying several gets them in the runtime's fixed order (transaction
 * outside, lock inside, message published before either ends).
 */
public final class AnnotatedMethodInstrumentation implements TypeInstrumentation {

    private static final String[] ANNOTATIONS = {"dev.entente.api.GlobalTransactional", "dev.entente.api.Locked", "dev.entente.api.Publish"};
    private static final ElementMatcher.Junction<MethodDescription> ANNOTATED = isAnnotatedWith(namedOneOf(ANNOTATIONS));

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.declaringMethodsAnnotated(ANNOTATIONS);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice().advice(ANNOTATED.and(not(isAbstract())), AnnotatedMethodAdvice.class.getName());
    }

    public static final class AnnotatedMethodAdvice {
        @Advice.OnMethodEnter
        public static Object enter(@Advice.Origin Class<?> type, @Advice.Origin("#m#d") String method,
                                   @Advice.AllArguments Object[] arguments) throws Throwable {
            return Hooks.transactions.enter(type, method, arguments);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object scope,
                                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
                                @Advice.Thrown(readOnly = false) Throwable thrown) {
            thrown = Hooks.transactions.exit(scope, returned, thrown);
        }
    }
}
