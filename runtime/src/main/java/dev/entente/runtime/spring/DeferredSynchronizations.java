package dev.entente.runtime.spring;

import dev.entente.bootstrap.LocalTransactionHook;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Outcome;
import dev.entente.runtime.jdbc.FinishedBranches;
import dev.entente.runtime.tm.Completion;
import dev.entente.runtime.tm.Participant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Spring's after-commit callbacks ({@code TransactionSynchronization.afterCommit} and {@code afterCompletion},
 * which also run {@code @TransactionalEventListener}s) of local transactions that end inside a global
 * transaction: Spring's commit there only prepared a branch, so the callbacks are held until the global outcome
 * is known ({@link HeldCalls} says which are made for which outcome). In the service that began the global
 * transaction they are made on its thread, before its {@code @GlobalTransactional} method returns (a failing
 * callback's exception reaches the caller, as from Spring's own commit); in a service that joined it, when phase
 * 2 of its branch ends there ({@link JoinedSynchronizations}). Outside a global transaction, and for a local
 * rollback (whose outcome is already known), Spring calls them itself as always.
 */
public final class DeferredSynchronizations implements Participant, LocalTransactionHook, FinishedBranches {

    private final Predicate<String> ownedHere;
    private final Map<String, HeldCalls> owned = new ConcurrentHashMap<>();
    private final JoinedSynchronizations joined;
    /** Set while the held calls run, so that Spring's methods, called again, are not held again. */
    private final ThreadLocal<Boolean> calling = new ThreadLocal<>();

    /**
     * @param ownedHere         whether a global transaction was begun by this process and has not ended
     * @param outcomeAtDeadline the coordinator's final answer for a joined transaction past its deadline
     * @param timer             runs the deadline checks of joined transactions
     */
    public DeferredSynchronizations(Predicate<String> ownedHere, Function<String, Outcome> outcomeAtDeadline,
                                    ScheduledExecutorService timer) {
        this.ownedHere = ownedHere;
        this.joined = new JoinedSynchronizations(outcomeAtDeadline, timer);
    }

    @Override
    public boolean deferAfterCommit(Class<?> utils, List<?> synchronizations) {
        return hold(new HeldCalls.HeldCall(utils, synchronizations, true));
    }

    @Override
    public boolean deferAfterCompletion(Class<?> utils, List<?> synchronizations, int status) {
        return status == HeldCalls.STATUS_COMMITTED && hold(new HeldCalls.HeldCall(utils, synchronizations, false));
    }

    private boolean hold(HeldCalls.HeldCall call) {
        String xid = TransactionContext.currentXid();
        if (xid == null || calling.get() != null || call.synchronizations().isEmpty()) {
            return false;
        }
        if (ownedHere.test(xid)) {
            owned.computeIfAbsent(xid, x -> new HeldCalls()).add(call);
        } else {
            joined.hold(xid, call);
        }
        return true;
    }

    @Override
    public void outcomeToApplication(Completion completion) {
        HeldCalls calls = owned.remove(completion.xid());
        if (calls == null) {
            return;
        }
        calling.set(Boolean.TRUE);
        try {
            calls.run(completion.committed() ? HeldCalls.STATUS_COMMITTED
                    : completion.outcomeKnown() ? HeldCalls.STATUS_ROLLED_BACK : HeldCalls.STATUS_UNKNOWN);
        } finally {
            calling.remove();
        }
    }

    /** Phase 2 of a branch of {@code xid} ended in this service: callbacks held for a transaction it joined are made. */
    @Override
    public void finished(String xid, boolean committed) {
        joined.phaseTwoEnded(xid, committed);
    }
}
