package dev.entente.bootstrap;

/** What instrumented {@code @GlobalTransactional} methods tell the runtime. */
public interface TransactionHook {

    TransactionHook NONE = new TransactionHook() {
        @Override
        public Object enter(Class<?> type, String method, Object[] arguments) {
            return null;
        }

        @Override
        public Throwable exit(Object scope, Throwable thrown) {
            return thrown;
        }
    };

    /**
     * Entering an annotated method ({@code method} is {@code name(descriptor)} of {@code type});
     * returns the scope to hand to {@link #exit}. Throws if the transaction cannot begin.
     */
    Object enter(Class<?> type, String method, Object[] arguments) throws Throwable;

    /** Leaving it, normally ({@code thrown} null) or not; returns what the method must throw, or null. */
    Throwable exit(Object scope, Throwable thrown);
}
