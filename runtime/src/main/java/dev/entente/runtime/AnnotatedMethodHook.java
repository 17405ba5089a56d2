package dev.entente.runtime;

import dev.entente.bootstrap.TransactionHook;
import dev.entente.runtime.AnnotatedMethods.AnnotatedMethod;
import dev.entente.runtime.lock.LockManager;
import dev.entente.runtime.lock.LockScope;
import dev.entente.runtime.tm.TransactionManager;
import dev.entente.runtime.tm.TransactionScope;

/**
 * Connects instrumented annotated methods to the transaction manager and the lock manager. A method
 * carrying both {@code @GlobalTransactional} and {@code @Locked} enters its transaction first and
 * takes the lock inside it, so the lock belongs to the transaction and is held until the transaction
 * is finished; on the way out the lock scope ends first, then the transaction's.
 */
final class AnnotatedMethodHook implements TransactionHook {

    /** What entering a method with both annotations did. */
    private record Both(TransactionScope transaction, LockScope lock) {
    }

    private final TransactionManager transactions;
    private final LockManager locks;
    private final AnnotatedMethods methods = new AnnotatedMethods();

    AnnotatedMethodHook(TransactionManager transactions, LockManager locks) {
        this.transactions = transactions;
        this.locks = locks;
    }

    @Override
    public Object enter(Class<?> type, String method, Object[] arguments) throws Throwable {
        AnnotatedMethod annotated = methods.of(type, method);
        ClassLoader loader = type.getClassLoader();
        TransactionScope transaction = annotated.transaction() == null ? null
                : transactions.enter(annotated.transaction(), loader);
        if (annotated.lock() == null) {
            return transaction;
        }
        LockScope lock;
        try {
            lock = locks.enter(annotated.lock(), arguments, loader);
        } catch (RuntimeException | Error e) {
            Throwable outcome = transaction == null ? e : transactions.exit(transaction, e);
            throw outcome != null ? outcome : e;
        }
        return transaction == null ? lock : new Both(transaction, lock);
    }

    @Override
    public Throwable exit(Object scope, Throwable thrown) {
        if (scope instanceof Both both) {
            return transactions.exit(both.transaction(), locks.exit(both.lock(), thrown));
        }
        if (scope instanceof LockScope lock) {
            return locks.exit(lock, thrown);
        }
        return scope instanceof TransactionScope transaction ? transactions.exit(transaction, thrown) : thrown;
    }
}
