package dev.entente.runtime;

import dev.entente.bootstrap.TransactionHook;
import dev.entente.runtime.AnnotatedMethods.AnnotatedMethod;
import dev.entente.runtime.lock.LockManager;
import dev.entente.runtime.lock.LockScope;
import dev.entente.runtime.metrics.ApplicationMeters;
import dev.entente.runtime.publish.PublishManager;
import dev.entente.runtime.tm.TransactionManager;
import dev.entente.runtime.tm.TransactionScope;

/**
 * Connects instrumented annotated methods to the transaction manager, the lock manager and the
 * publisher, in one fixed order: a method's transaction is entered first, its lock taken inside it (so
 * the lock belongs to the transaction and is held until the transaction is finished); on the way out
 * its message is published first (inside the transaction, so it commits or rolls back with it), then
 * the lock scope ends, then the transaction's.
 *
 * <p>A method that is also Spring's {@code @Transactional} is entered where Spring's interceptor is
 * (see {@link #enterInterceptor}), so that Spring's local transaction ends, preparing its branch, inside
 * the global one; the advice on the method's body then does nothing for that call.
 */
final class AnnotatedMethodHook implements TransactionHook {

    /** What entering one method did; a part is null where the method does not ask for it. */
    private record MethodScope(AnnotatedMethod method, Object[] arguments, ClassLoader loader,
                               TransactionScope transaction, LockScope lock) {
    }

    /** A method entered at its interceptor: the scope, and the call whose body's advice is to do nothing. */
    private record InterceptorScope(MethodScope scope) {
    }

    private final TransactionManager transactions;
    private final LockManager locks;
    private final PublishManager publisher;
    private final ApplicationMeters meters;
    private final AnnotatedMethods methods = new AnnotatedMethods();
    /** The call entered at its interceptor whose body has not been entered yet, on this thread. */
    private final ThreadLocal<InterceptedInvocation> enteredAtInterceptor = new ThreadLocal<>();

    AnnotatedMethodHook(TransactionManager transactions, LockManager locks, PublishManager publisher, ApplicationMeters meters) {
        this.transactions = transactions;
        this.locks = locks;
        this.publisher = publisher;
        this.meters = meters;
    }

    @Override
    public Object enterInterceptor(Object invocation) throws Throwable {
        InterceptedInvocation intercepted = InterceptedInvocation.ofAnnotated(invocation).orElse(null);
        if (intercepted == null) {
            return null;
        }
        MethodScope scope = (MethodScope) enter(intercepted.type(), intercepted.method(), intercepted.arguments());
        enteredAtInterceptor.set(intercepted);
        return new InterceptorScope(scope);
    }

    @Override
    public Object enter(Class<?> type, String method, Object[] arguments) throws Throwable {
        InterceptedInvocation intercepted = enteredAtInterceptor.get();
        if (intercepted != null && intercepted.isBodyOf(type, method)) {
            enteredAtInterceptor.remove();
            return null; // its scope began at the interceptor, around Spring's transaction
        }
        AnnotatedMethod annotated = methods.of(type, method);
        meters.seen(type);
        ClassLoader loader = type.getClassLoader();
        TransactionScope transaction = annotated.transaction() == null ? null
                : transactions.enter(annotated.transaction(), loader);
        LockScope lock = null;
        if (annotated.lock() != null) {
            try {
                lock = locks.enter(annotated.lock(), arguments, loader);
            } catch (RuntimeException | Error e) {
                Throwable outcome = transaction == null ? e : transactions.exit(transaction, e);
                throw outcome != null ? outcome : e;
            }
        }
        return new MethodScope(annotated, arguments, loader, transaction, lock);
    }

    @Override
    public Throwable exit(Object entered, Object returned, Throwable thrown) {
        if (entered instanceof InterceptorScope atInterceptor) {
            enteredAtInterceptor.remove(); // whether or not the body ran
            entered = atInterceptor.scope();
        }
        if (!(entered instanceof MethodScope scope)) {
            return thrown;
        }
        Throwable outcome = thrown;
        if (outcome == null && scope.method().publish() != null) {
            outcome = publisher.returned(scope.method().publish(), scope.arguments(), returned, scope.loader());
        }
        if (scope.lock() != null) {
            outcome = locks.exit(scope.lock(), outcome);
        }
        if (scope.transaction() != null) {
            outcome = transactions.exit(scope.transaction(), outcome);
        }
        return outcome;
    }
}
