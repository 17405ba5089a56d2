package dev.entente.runtime.http;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A method of an HTTP library's public API (Servlet's {@code HttpServletRequest.getHeader}, HttpCore's
 * {@code HttpMessage.setHeader}, OkHttp's final class {@code Request}) that the runtime calls without
 * compiling against the library: the application may ship any version of it, or none. The method is
 * looked up on the public type named, never on the implementing class, which may not be public; the
 * lookup is cached per class.
 */
public final class LibraryMethod {

    private final String name;
    private final Class<?>[] parameterTypes;
    private final Set<String> types;
    private final ClassValue<Method> byClass = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return find(type);
        }
    };

    /**
     * {@code name(parameterTypes)} as declared by any of {@code types} (fully qualified binary names of
     * public interfaces or classes: {@code org.eclipse.jetty.http.HttpFields$Mutable}).
     */
    public LibraryMethod(String name, Class<?>[] parameterTypes, String... types) {
        this.name = name;
        this.parameterTypes = parameterTypes.clone();
        this.types = Set.of(types);
    }

    /** Whether {@code target} is of one of the types that declare the method. */
    public boolean appliesTo(Object target) {
        return target != null && byClass.get(target.getClass()) != null;
    }

    /** Calls the method on {@code target}; null when {@code target} is of none of the types. */
    public Object invoke(Object target, Object... arguments) {
        if (target == null) {
            return null;
        }
        Method method = byClass.get(target.getClass());
        if (method == null) {
            return null;
        }
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + method + " on " + target.getClass().getName(), e);
        }
    }

    private Method find(Class<?> type) {
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            pending.add(c);
        }
        while (!pending.isEmpty()) {
            Class<?> candidate = pending.poll();
            if (types.contains(candidate.getName())) {
                try {
                    return candidate.getMethod(name, parameterTypes);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
            pending.addAll(List.of(candidate.getInterfaces()));
        }
        return null;
    }
}
