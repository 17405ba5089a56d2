package dev.entente.runtime;

import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A call a framework's transaction interceptor (Spring's {@code TransactionInterceptor}) is about to run,
 * named as the agent's advice on the method's body names it: the class declaring the body, its name and
 * descriptor, and the arguments. The invocation is the application's AOP Alliance {@code MethodInvocation},
 * read by reflection through that interface.
 */
record InterceptedInvocation(Class<?> type, String method, Object[] arguments) {

    private static final String METHOD_INVOCATION = "org.aopalliance.intercept.MethodInvocation";
    /** The interface's three getters, looked up once per invocation class (every @Transactional call passes here). */
    private static final ClassValue<Optional<Getters>> GETTERS = new ClassValue<>() {
        @Override
        protected Optional<Getters> computeValue(Class<?> invocationType) {
            try {
                Class<?> api = Class.forName(METHOD_INVOCATION, false, invocationType.getClassLoader());
                return Optional.of(new Getters(api.getMethod("getMethod"), api.getMethod("getThis"), api.getMethod("getArguments")));
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                return Optional.empty();
            }
        }
    };
    /** For each invoked method and target class, the annotated body the call runs (as the advice names it), if any. */
    private static final Map<Method, Map<Class<?>, Optional<Body>>> BODIES = new ConcurrentHashMap<>();

    private record Getters(Method method, Method target, Method arguments) {
    }

    private record Body(Class<?> type, String method) {
    }

    /**
     * The call {@code invocation} makes, if the body it runs carries one of Entente's annotations; empty for
     * any other (most {@code @Transactional} methods), or an invocation that cannot be read.
     */
    static Optional<InterceptedInvocation> ofAnnotated(Object invocation) {
        Getters getters = GETTERS.get(invocation.getClass()).orElse(null);
        if (getters == null) {
            return Optional.empty();
        }
        try {
            Method invoked = (Method) getters.method().invoke(invocation);
            Object target = getters.target().invoke(invocation);
            Class<?> targetType = target != null ? target.getClass() : invoked.getDeclaringClass();
            Optional<Body> body = BODIES.computeIfAbsent(invoked, m -> new ConcurrentHashMap<>())
                    .computeIfAbsent(targetType, type -> annotatedBody(invoked, type));
            if (body.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new InterceptedInvocation(body.get().type(), body.get().method(),
                    (Object[]) getters.arguments().invoke(invocation)));
        } catch (IllegalAccessException | InvocationTargetException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The body a call of {@code invoked} on a {@code type} runs (the most specific declaration), if annotated. */
    private static Optional<Body> annotatedBody(Method invoked, Class<?> type) {
        for (Class<?> declaring = type; declaring != null; declaring = declaring.getSuperclass()) {
            try {
                Method declared = declaring.getDeclaredMethod(invoked.getName(), invoked.getParameterTypes());
                if (!declared.isBridge() && !declared.isSynthetic()) {
                    return AnnotatedMethods.isAnnotated(declared) ? Optional.of(new Body(declaring, declared.getName()
                            + MethodType.methodType(declared.getReturnType(), declared.getParameterTypes()).toMethodDescriptorString()))
                            : Optional.empty();
                }
            } catch (NoSuchMethodException e) {
                // declared higher up
            }
        }
        return Optional.empty();
    }

    /** Whether the advice on {@code type}'s {@code method} is this call's body being entered. */
    boolean isBodyOf(Class<?> type, String method) {
        return this.type == type && this.method.equals(method);
    }
}
