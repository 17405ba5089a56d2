package dev.entente.bootstrap;

/**
 * What instrumented annotated methods ({@code @GlobalTransactional}, {@code @Locked}, {@code @Publish}) tell the runtime.
 * One hook for all of them, so that a method carrying several annotations gets them in one fixed
 * order, whatever order Byte Buddy would apply separate advice in.
 */
public interface TransactionHook {

    TransactionHook NONE = new TransactionHook() {
        @Override
        public Object enter(Class<?> type, String method, Object[] arguments) {
            return null;
        }

        @Override
        public Throwable exit(Object scope, Object returned, Throwable thrown) {
            return thrown;
        }
    };

    /**
     * Entering an annotated method ({@code method} is {@code name(descriptor)} of {@code type}, called
     * with {@code arguments}); returns the scope to hand to {@link #exit}. Throws if the transaction
     * cannot begin or the lock cannot be taken.
     */
    Object enter(Class<?> type, String method, Object[] arguments) throws Throwable;

    /**
     * A framework's transaction interceptor (Spring's {@code TransactionInterceptor}) is about to run
     * {@code invocation} (an AOP Alliance {@code MethodInvocation}) in a local transaction of its own: if
     * the invoked method is annotated, its scope begins here, around the interceptor's transaction, and
     * the method's own {@link #enter} does nothing for that invocation. Returns the scope to hand to
     * {@link #exit} (null if the method is not annotated).
     */
    default Object enterInterceptor(Object invocation) throws Throwable {
        return null;
    }

    /**
     * Leaving it, normally ({@code thrown} null, {@code returned} its result, boxed, null for void) or
     * not; returns what the method must throw, or null.
     */
    Throwable exit(Object scope, Object returned, Throwable thrown);
}
