package dev.entente.runtime.lock;

import dev.entente.bootstrap.LockContext;
import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutcomeReply;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.runtime.Settings;
import dev.entente.runtime.jdbc.BranchGuard;
import dev.entente.runtime.metrics.Distribution;
import dev.entente.runtime.metrics.MeterDefinition;
import dev.entente.runtime.tm.ApiExceptions;
import dev.entente.runtime.tm.Completion;
import dev.entente.runtime.tm.Participant;
import dev.entente.runtime.tm.TransactionManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks of {@code @Locked} methods in this process. Outside a global transaction a lock belongs
 * to the calling thread and is given back when the method returns. Inside one it belongs to the
 * transaction and is given back when the transaction is <em>finished</em>: decided and every branch
 * through phase 2, so that the next holder reads what this one committed. As a participant of the
 * transactions begun here, the lock manager has those holding locks committed with wait-for-phase-two
 * and hears when they end; for a transaction begun elsewhere (this service joined it over HTTP) the
 * coordinator is asked until it says the transaction finished. Re-entrant per owner.
 *
 * <p>A lock whose ZooKeeper connection is suspended or whose session is lost counts as lost: its
 * transaction becomes rollback-only, no branch of it may prepare here, and the method that took it
 * fails with {@code LockLostException} when it returns.
 */
public final class LockManager implements BranchGuard, Participant, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LockManager.class);
    private static final long FIRST_POLL_MILLIS = 20;
    private static final long MAX_POLL_MILLIS = 1000;

    private final ZooKeeperMutex mutex;
    private final long defaultWaitMillis;
    private final Supplier<TransactionManager> transactions;
    private final Supplier<CoordinatorClient> coordinator;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "entente-locks");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<HeldLock.Owner, HeldLock> held = new ConcurrentHashMap<>();
    /** Transactions begun elsewhere whose end is being asked of the coordinator, with the next time it is asked. */
    private final Map<String, Watch> watched = new ConcurrentHashMap<>();
    /** How long each taken lock was waited for. */
    private final Distribution waits = new Distribution();

    private static final class Watch {
        ScheduledFuture<?> next;
    }

    /**
     * @param transactions this process's transaction manager (given later: it is built with this as its listener)
     * @param coordinator  asked when transactions begun elsewhere finish
     */
    /** The lock manager's meters: how long each {@code @Locked} lock taken was waited for. */
    public List<MeterDefinition> meters() {
        return List.of(MeterDefinition.timer("entente.lock.wait", "Waiting for a @Locked lock, until it was taken", waits));
    }

    public LockManager(Settings settings, Supplier<TransactionManager> transactions, Supplier<CoordinatorClient> coordinator) {
        this.defaultWaitMillis = settings.lockWaitMillis();
        this.transactions = transactions;
        this.coordinator = coordinator;
        this.mutex = settings.zookeeper()
                .map(zookeeper -> new ZooKeeperMutex(zookeeper, settings.zookeeperSecurity(), settings.lockRoot(), settings.zookeeperSessionTimeout(),
                        this::connectionLost))
                .orElse(null);
    }

    /** Takes (or re-enters) the lock of a {@code @Locked} method; throws an application-visible exception if it cannot. */
    public LockScope enter(LockDefinition definition, Object[] arguments, ClassLoader loader) {
        String key = definition.key().resolve(arguments);
        String xid = TransactionContext.currentXid();
        HeldLock.Owner owner = new HeldLock.Owner(key, xid, xid == null ? Thread.currentThread() : null);
        long waitMillis = definition.waitMillis() > 0 ? definition.waitMillis() : defaultWaitMillis;
        while (true) {
            HeldLock lock = held.computeIfAbsent(owner, HeldLock::new);
            synchronized (lock) {
                if (lock.released) {
                    continue; // given back meanwhile: take it anew
                }
                if (lock.lease == null) {
                    try {
                        lock.lease = acquire(key, waitMillis, definition, loader);
                    } catch (RuntimeException e) {
                        lock.released = true;
                        held.remove(owner, lock);
                        throw e;
                    }
                    LockContext.held(xid, key, lock.lease.token());
                    LOG.debug("took the lock on key '{}' for {} with token {}", key, xid != null ? xid : Thread.currentThread(),
                            lock.lease.token());
                    if (xid != null && !transactions.get().owns(xid)) {
                        watchUntilFinished(xid);
                    }
                } else if (lock.lostBecause != null) {
                    throw ApiExceptions.lockLost(loader, key, lostMessage(lock, definition), null);
                }
                lock.entries++;
                return new LockScope(lock, definition, loader);
            }
        }
    }

    private ZooKeeperMutex.Lease acquire(String key, long waitMillis, LockDefinition definition, ClassLoader loader) {
        String cannot = definition.method() + " could not take the @Locked lock on key '" + key + "'";
        if (mutex == null) {
            throw ApiExceptions.lockNotAcquired(loader, key, 0, cannot + ": no ZooKeeper is configured (set agent argument "
                    + "zookeeper=host:port, environment variable ENTENTE_ZOOKEEPER or system property entente.zookeeper)", null);
        }
        long waiting = System.nanoTime();
        try {
            ZooKeeperMutex.Lease lease = mutex.acquire(key, waitMillis);
            waits.recordSince(waiting);
            if (lease == null) {
                throw ApiExceptions.lockNotAcquired(loader, key, waitMillis, cannot + " within its wait of " + waitMillis
                        + " ms: another holder kept it", null);
            }
            return lease;
        } catch (ZooKeeperMutex.Unreachable e) {
            throw ApiExceptions.lockNotAcquired(loader, key, waitMillis, cannot + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiExceptions.lockNotAcquired(loader, key, waitMillis, cannot + ": interrupted while waiting", e);
        } catch (RuntimeException e) {
            if (e.getClass().getName().startsWith("dev.entente.api.")) {
                throw e;
            }
            throw ApiExceptions.lockNotAcquired(loader, key, waitMillis, cannot + ": " + e, e);
        } catch (Exception e) {
            throw ApiExceptions.lockNotAcquired(loader, key, waitMillis, cannot + ": ZooKeeper failed: " + e, e);
        }
    }

    /**
     * Leaves a {@code @Locked} method: a thread's lock is given back when its outermost method returns;
     * a transaction's stays. Returns what the method must throw: its own exception, or
     * {@code LockLostException} if the lock was lost meanwhile (attached to the method's own exception, if any).
     */
    public Throwable exit(LockScope scope, Throwable thrown) {
        HeldLock lock = scope.lock;
        boolean giveBack;
        String lost = null;
        synchronized (lock) {
            lock.entries--;
            giveBack = lock.entries == 0 && lock.xid() == null;
            if (lock.lostBecause != null && !lock.lossReported) {
                lock.lossReported = true;
                lost = lostMessage(lock, scope.definition);
            }
        }
        if (giveBack) {
            release(lock);
        }
        if (lost == null) {
            return thrown;
        }
        RuntimeException lostException = ApiExceptions.lockLost(scope.applicationLoader, lock.key(), lost, null);
        if (thrown != null) {
            thrown.addSuppressed(lostException);
            return thrown;
        }
        return lostException;
    }

    private static String lostMessage(HeldLock lock, LockDefinition definition) {
        return "the @Locked lock on key '" + lock.key() + "' of " + definition.method() + " was lost while held: "
                + lock.lostBecause + (lock.xid() != null ? "; global transaction " + lock.xid() + " rolls back"
                : "; the method's work was not protected by the lock to its end");
    }

    // ---- the end of transactions ----

    /** A transaction that holds locks here ends only once every branch finished phase 2. */
    @Override
    public void beforeCompletion(Completion completion) {
        if (!locksOf(completion.xid()).isEmpty()) {
            completion.waitForPhaseTwo();
        }
    }

    /** The transaction ended here: its locks go now if phase 2 is done, else once the coordinator says it is. */
    @Override
    public void afterCompletion(Completion completion) {
        String xid = completion.xid();
        if (locksOf(xid).isEmpty()) {
            return;
        }
        if (completion.phaseTwoDone()) {
            releaseAll(xid);
        } else {
            watchUntilFinished(xid);
        }
    }

    private void watchUntilFinished(String xid) {
        if (watched.putIfAbsent(xid, new Watch()) == null) {
            schedulePoll(xid, FIRST_POLL_MILLIS);
        }
    }

    /**
     * This service's RM finished phase 2 of a branch of {@code xid} on the coordinator's command: phase
     * 2 is likely over (the owner finishes its own branches at once), so the coordinator is asked again
     * in a moment, not at the end of a backoff grown while the transaction ran.
     */
    @Override
    public void phaseTwoCommandDone(String xid) {
        if (watched.containsKey(xid)) {
            schedulePoll(xid, FIRST_POLL_MILLIS / 4);
        }
    }

    /** Asks the coordinator about {@code xid} in {@code delay} ms, unless it is to ask sooner anyway. */
    private void schedulePoll(String xid, long delay) {
        Watch watch = watched.get(xid);
        if (watch == null) {
            return;
        }
        synchronized (watch) {
            if (watch.next != null) {
                long pending = watch.next.getDelay(TimeUnit.MILLISECONDS); // <= 0: the poll running now
                if (!watch.next.isDone() && pending > 0 && pending <= delay) {
                    return;
                }
                watch.next.cancel(false);
            }
            try {
                watch.next = watcher.schedule(() -> poll(xid, delay), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                watched.remove(xid);
            }
        }
    }

    /** Asks the coordinator whether {@code xid} finished; gives its locks back if so, else asks again later. */
    private void poll(String xid, long delay) {
        try {
            OutcomeReply status = coordinator.get().status(xid);
            if (status.getOutcome() == Outcome.UNKNOWN
                    || (status.getOutcome() != Outcome.ACTIVE && status.getPhaseTwoDone())) {
                watched.remove(xid);
                releaseAll(xid);
                return;
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot learn whether {} finished: {}; its locks stay held", xid, e.getMessage());
        }
        schedulePoll(xid, Math.min(Math.max(delay, FIRST_POLL_MILLIS / 2) * 2, MAX_POLL_MILLIS));
    }

    private List<HeldLock> locksOf(String xid) {
        if (held.isEmpty()) {
            return List.of();
        }
        return held.values().stream().filter(lock -> xid.equals(lock.xid())).toList();
    }

    private void releaseAll(String xid) {
        for (HeldLock lock : locksOf(xid)) {
            release(lock);
        }
    }

    private void release(HeldLock lock) {
        synchronized (lock) {
            if (lock.released) {
                return;
            }
            lock.released = true;
        }
        held.remove(lock.owner, lock);
        LockContext.released(lock.xid(), lock.key());
        mutex.release(lock.lease);
        LOG.debug("gave back the lock on key '{}' (token {})", lock.key(), lock.lease.token());
    }

    // ---- losing locks ----

    @Override
    public String refusePrepare(String xid) {
        for (HeldLock lock : locksOf(xid)) {
            ZooKeeperMutex.Lease lease;
            String lost;
            synchronized (lock) {
                lease = lock.lease;
                lost = lock.lostBecause;
            }
            if (lost == null && lease != null && !mutex.stillHeld(lease)) {
                lost = "its ZooKeeper node " + lease.path() + " no longer belongs to this process's session";
                markLost(lock, lost);
            }
            if (lost != null) {
                return "the @Locked lock on key '" + lock.key() + "' was lost: " + lost;
            }
        }
        return null;
    }

    private void connectionLost(ConnectionState state) {
        for (HeldLock lock : held.values()) {
            markLost(lock, "the ZooKeeper connection was " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + (state == ConnectionState.LOST ? " (session expired)" : ""));
        }
    }

    private void markLost(HeldLock lock, String why) {
        synchronized (lock) {
            if (lock.lease == null || lock.released || lock.lostBecause != null) {
                return;
            }
            lock.lostBecause = why;
        }
        LOG.warn("the @Locked lock on key '{}' (token {}) of {} is lost: {}", lock.key(), lock.lease.token(),
                lock.xid() != null ? "global transaction " + lock.xid() : lock.owner.thread(), why);
        if (lock.xid() != null) {
            transactions.get().markRollbackOnly(lock.xid(), "the @Locked lock on key '" + lock.key() + "' was lost: " + why);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        if (mutex != null) {
            mutex.close();
        }
    }
}
