package dev.entente.runtime;

import dev.entente.api.Propagation;
import dev.entente.runtime.lock.LockDefinition;
import dev.entente.runtime.publish.MessageValues;
import dev.entente.runtime.publish.PublishDefinition;
import dev.entente.runtime.tm.TransactionDefinition;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Entente's annotations off instrumented methods, once per method. The annotations are the
 * application's classes (its class loader's copy of the api), so they are read by name and reflection.
 */
final class AnnotatedMethods {

    private static final String GLOBAL_TRANSACTIONAL = "dev.entente.api.GlobalTransactional";
    private static final String LOCKED = "dev.entente.api.Locked";
    private static final String PUBLISH = "dev.entente.api.Publish";
    private static final Set<String> ANNOTATIONS = Set.of(GLOBAL_TRANSACTIONAL, LOCKED, PUBLISH);
    private static final String MESSAGE_SERIALIZER = "dev.entente.api.MessageSerializer";

    /** What one method asks for; any part may be null. */
    record AnnotatedMethod(TransactionDefinition transaction, LockDefinition lock, PublishDefinition publish) {
    }

    private final ClassValue<Map<String, AnnotatedMethod>> methods = new ClassValue<>() {
        @Override
        protected Map<String, AnnotatedMethod> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** {@code type}'s method {@code nameAndDescriptor}, e.g. {@code place(Ljava/lang/String;)V}. */
    AnnotatedMethod of(Class<?> type, String nameAndDescriptor) {
        return methods.get(type).computeIfAbsent(nameAndDescriptor, key -> read(type, key));
    }

    /** Whether {@code method} carries one of Entente's annotations (so the agent advised its body). */
    static boolean isAnnotated(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            if (ANNOTATIONS.contains(annotation.annotationType().getName())) {
                return true;
            }
        }
        return false;
    }

    private static AnnotatedMethod read(Class<?> type, String nameAndDescriptor) {
        Method method = find(type, nameAndDescriptor);
        String name = type.getSimpleName() + "." + method.getName();
        TransactionDefinition transaction = null;
        LockDefinition lock = null;
        PublishDefinition publish = null;
        for (Annotation annotation : method.getAnnotations()) {
            switch (annotation.annotationType().getName()) {
                case GLOBAL_TRANSACTIONAL -> {
                    String given = (String) attribute(annotation, "name");
                    transaction = new TransactionDefinition(given.isEmpty() ? name : given,
                            (Long) attribute(annotation, "timeoutMillis"),
                            Propagation.valueOf(((Enum<?>) attribute(annotation, "propagation")).name()),
                            List.of((Class<?>[]) attribute(annotation, "rollbackFor")),
                            List.of((Class<?>[]) attribute(annotation, "noRollbackFor")));
                }
                case LOCKED -> lock = new LockDefinition(name,
                        new KeyTemplate((String) attribute(annotation, "key"), name, method.getParameterCount()),
                        (Long) attribute(annotation, "waitMillis"));
                case PUBLISH -> publish = publishDefinition(method, name, annotation);
                default -> {
                }
            }
        }
        if (transaction == null && lock == null && publish == null) {
            throw new IllegalStateException(name + " carries none of @GlobalTransactional, @Locked, @Publish");
        }
        return new AnnotatedMethod(transaction, lock, publish);
    }

    private static PublishDefinition publishDefinition(Method method, String name, Annotation annotation) {
        if (method.getReturnType() == void.class) {
            throw new IllegalArgumentException(name + ": @Publish publishes the return value, and the method returns void");
        }
        String topic = (String) attribute(annotation, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException(name + ": @Publish needs a topic");
        }
        String key = (String) attribute(annotation, "key");
        Class<?> serializer = (Class<?>) attribute(annotation, "serializer");
        return new PublishDefinition(name, topic,
                key.isEmpty() ? null : new KeyTemplate(key, name, method.getParameterCount(), true),
                serializer.getName().equals(MESSAGE_SERIALIZER) ? MessageValues.json() : MessageValues.of(serializer, name));
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
