package dev.entente.runtime.tm;

/** Exceptions of the application's own {@code dev.entente.api} classes, so the application can catch them. */
public final class ApiExceptions {

    private ApiExceptions() {
    }

    public static RuntimeException rolledBack(ClassLoader loader, String xid, String message, Throwable cause) {
        return create(loader, "dev.entente.api.TransactionRolledBackException",
                new Class<?>[] {String.class, String.class, Throwable.class}, new Object[] {xid, message, cause}, message, cause);
    }

    public static RuntimeException failed(ClassLoader loader, String message, Throwable cause) {
        return create(loader, "dev.entente.api.GlobalTransactionException",
                new Class<?>[] {String.class, Throwable.class}, new Object[] {message, cause}, message, cause);
    }

    public static RuntimeException lockNotAcquired(ClassLoader loader, String key, long waitMillis, String message,
                                                   Throwable cause) {
        return create(loader, "dev.entente.api.LockNotAcquiredException",
                new Class<?>[] {String.class, long.class, String.class, Throwable.class},
                new Object[] {key, waitMillis, message, cause}, message, cause);
    }

    public static RuntimeException lockLost(ClassLoader loader, String key, String message, Throwable cause) {
        return create(loader, "dev.entente.api.LockLostException",
                new Class<?>[] {String.class, String.class, Throwable.class}, new Object[] {key, message, cause}, message, cause);
    }

    public static RuntimeException publishFailed(ClassLoader loader, String topic, String message, Throwable cause) {
        return create(loader, "dev.entente.api.PublishException",
                new Class<?>[] {String.class, String.class, Throwable.class}, new Object[] {topic, message, cause}, message, cause);
    }

    /** An instance of the application's copy of {@code className}, or an IllegalStateException if it has none. */
    private static RuntimeException create(ClassLoader loader, String className, Class<?>[] types, Object[] args,
                                           String message, Throwable cause) {
        try {
            Class<?> type = Class.forName(className, true, loader);
            return (RuntimeException) type.getConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new IllegalStateException(message, cause);
        }
    }
}
