package dev.entente.runtime.tm;

import dev.entente.api.Propagation;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@code @GlobalTransactional} off instrumented methods, once per method. The annotation is the
 * application's class (its class loader's copy), so it is read by name and reflection.
 */
public final class TransactionalMethods {

    private static final String ANNOTATION = "dev.entente.api.GlobalTransactional";

    private final ClassValue<Map<String, TransactionDefinition>> definitions = new ClassValue<>() {
        @Override
        protected Map<String, TransactionDefinition> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** The definition of {@code type}'s method {@code nameAndDescriptor}, e.g. {@code place(Ljava/lang/String;)V}. */
    public TransactionDefinition definition(Class<?> type, String nameAndDescriptor) {
        return definitions.get(type).computeIfAbsent(nameAndDescriptor, key -> read(type, key));
    }

    private static TransactionDefinition read(Class<?> type, String nameAndDescriptor) {
        Method method = find(type, nameAndDescriptor);
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().getName().equals(ANNOTATION)) {
                String name = (String) attribute(annotation, "name");
                return new TransactionDefinition(
                        name.isEmpty() ? type.getSimpleName() + "." + method.getName() : name,
                        (Long) attribute(annotation, "timeoutMillis"),
                        Propagation.valueOf(((Enum<?>) attribute(annotation, "propagation")).name()),
                        List.of((Class<?>[]) attribute(annotation, "rollbackFor")),
                        List.of((Class<?>[]) attribute(annotation, "noRollbackFor")));
            }
        }
        throw new IllegalStateException(type.getName() + "." + method.getName() + " is not annotated @GlobalTransactional");
    }

    private static Method find(Class<?> type, String nameAndDescriptor) {
        int paren = nameAndDescriptor.indexOf('(');
        String name = nameAndDescriptor.substring(0, paren);
        String descriptor = nameAndDescriptor.substring(paren);
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.getName().equals(name)
                        && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString().equals(descriptor))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no method " + nameAndDescriptor + " in " + type.getName()));
    }

    private static Object attribute(Annotation annotation, String name) {
        try {
            Method accessor = annotation.annotationType().getMethod(name);
            accessor.setAccessible(true);
            return accessor.invoke(annotation);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + name + " of " + annotation, e);
        }
    }
}
