package dev.entente.runtime.tm;

import dev.entente.bootstrap.TransactionHook;

/** Connects instrumented {@code @GlobalTransactional} methods to the transaction manager. */
public final class AnnotatedMethodHook implements TransactionHook {

    private final TransactionManager transactions;
    private final TransactionalMethods methods = new TransactionalMethods();

    public AnnotatedMethodHook(TransactionManager transactions) {
        this.transactions = transactions;
    }

    @Override
    public Object enter(Class<?> type, String method, Object[] arguments) {
        return transactions.enter(methods.definition(type, method), type.getClassLoader());
    }

    @Override
    public Throwable exit(Object scope, Throwable thrown) {
        return scope instanceof TransactionScope transactionScope ? transactions.exit(transactionScope, thrown) : thrown;
    }
}
