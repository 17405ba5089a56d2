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
    /** For each invoked method and target class, the annotated body the call runs, if any. */
    private static final Map<Method, Map<Class<?>, Optional<Method>>> BODIES = new ConcurrentHashMap<>();

    /**
     * The call {@code invocation} makes, if the body it runs carries one of Entente's annotations; empty for
     * any other (most {@code @Transactional} methods), or an invocation that cannot be read.
     */
    static Optional<InterceptedInvocation> ofAnnotated(Object invocation) {
        try {
            Class<?> api = Class.forName(METHOD_INVOCATION, false, invocation.getClass().getClassLoader());
            Method invoked = (Method) api.getMethod("getMethod").invoke(invocation);
            Object target = api.getMethod("getThis").invoke(invocation);
            Class<?> targetType = target != null ? target.getClass() : invoked.getDeclaringClass();
            Optional<Method> body = BODIES.computeIfAbsent(invoked, m -> new ConcurrentHashMap<>())
                    .computeIfAbsent(targetType, type -> annotatedBody(invoked, type));
            if (body.isEmpty()) {
                return Optional.empty();
            }
            Method method = body.get();
            return Optional.of(new InterceptedInvocation(method.getDeclaringClass(), method.getName()
                    + MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString(),
                    (Object[]) api.getMethod("getArguments").invoke(invocation)));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | InvocationTargetException
                 | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The body a call of {@code invoked} on a {@code type} runs (the most specific declaration), if annotated. */
    private static Optional<Method> annotatedBody(Method invoked, Class<?> type) {
        for (Class<?> declaring = type; declaring != null; declaring = declaring.getSuperclass()) {
            try {
                Method declared = declaring.getDeclaredMethod(invoked.getName(), invoked.getParameterTypes());
                if (!declared.isBridge() && !declared.isSynthetic()) {
                    return AnnotatedMethods.isAnnotated(declared) ? Optional.of(declared) : Optional.empty();
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
