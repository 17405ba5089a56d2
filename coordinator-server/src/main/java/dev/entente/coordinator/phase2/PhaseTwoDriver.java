package dev.entente.coordinator.phase2;

import dev.entente.coordinator.admin.CoordinatorMetrics;
import dev.entente.coordinator.log.BranchRef;
import dev.entente.coordinator.log.CompletionRecord;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.LogRecord;
import dev.entente.coordinator.publish.PublishDriver;
import dev.entente.coordinator.raft.ReplicatedLog;
import dev.entente.coordinator.session.RmSessions;
import dev.entente.coordinator.session.ServerRmSession;
import dev.entente.coordinator.txn.TransactionTable;
import dev.entente.protocol.BranchAck;
import dev.entente.protocol.BranchCommand;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.PhaseTwoAction;
import dev.entente.protocol.Xids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Phase 2, driven by the leader alone: pushes BranchCommit / BranchRollback for every branch of every
 * decided transaction to an RM session serving the branch's resource, and sends again with backoff
 * until each branch is acknowledged. Branches the owner's RM finishes itself right after the decision
 * (its Commit named its instance) are only awaited: each is sent its command if its unasked
 * acknowledgement has not come within the ack timeout. Finished transactions are recorded in batched completion
 * records. A new leader starts from the replicated table, so no decided transaction is left behind.
 * The messages of a committed transaction are one more part of its phase 2, handed to the
 * {@link PublishDriver}; the transaction is finished when they are out too.
 *
 * <p>All state is confined to one scheduler thread; other threads hand work to it.
 */
public final class PhaseTwoDriver implements TransactionTable.DecisionListener, RmSessions.Listener, PublishDriver.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseTwoDriver.class);
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 10_000;
    private static final int MAX_COMPLETIONS_PER_RECORD = 1000;

    /** How the driver is tuned. */
    public record Settings(Duration ackTimeout, Duration completionFlushInterval) {
    }

    private final TransactionTable table;
    private final RmSessions sessions;
    private final ReplicatedLog log;
    private final ScheduledExecutorService executor;
    private final CoordinatorMetrics metrics;
    private final Settings settings;
    private final Optional<PublishDriver> publisher;
    private final Map<String, Task> tasks = new HashMap<>();
    private final List<String> completed = new ArrayList<>();
    private volatile boolean leading;

    public PhaseTwoDriver(TransactionTable table, RmSessions sessions, ReplicatedLog log,
                          ScheduledExecutorService executor, CoordinatorMetrics metrics, Settings settings,
                          Optional<PublishDriver> publisher) {
        this.table = table;
        this.sessions = sessions;
        this.log = log;
        this.executor = executor;
        this.metrics = metrics;
        this.settings = settings;
        this.publisher = publisher;
        long flush = settings.completionFlushInterval().toMillis();
        executor.scheduleWithFixedDelay(this::flushCompletions, flush, flush, TimeUnit.MILLISECONDS);
    }

    /** This node became a ready leader: take over phase 2 of every decided, unfinished transaction. */
    public void leadershipGained() {
        leading = true;
        publisher.ifPresent(PublishDriver::leadershipGained);
        executor.execute(() -> {
            List<DecisionRecord> unfinished = table.pendingDecisions();
            if (!unfinished.isEmpty()) {
                LOG.info("resuming phase 2 of {} decided transactions", unfinished.size());
            }
            unfinished.forEach(decision -> track(decision, true));
        });
    }

    public void leadershipLost() {
        leading = false;
        publisher.ifPresent(PublishDriver::leadershipLost);
        executor.execute(() -> {
            tasks.values().forEach(Task::abandon);
            tasks.clear();
            completed.clear();
        });
    }

    @Override
    public void decided(DecisionRecord decision) {
        if (leading) {
            executor.execute(() -> track(decision, false));
        }
    }

    /** Runs {@code work} on the phase-2 thread with {@code xid} in the log context (the MDC). */
    private void forTransaction(String xid, Runnable work) {
        executor.execute(() -> {
            try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, xid)) {
                work.run();
            }
        });
    }

    @Override
    public void sessionOpened(ServerRmSession session) {
        executor.execute(() -> tasks.values().forEach(task -> task.sessionAvailable(session)));
    }

    @Override
    public void published(String xid) {
        executor.execute(() -> {
            Task task = tasks.get(xid);
            if (task != null) {
                task.published();
            }
        });
    }

    @Override
    public void acknowledged(ServerRmSession session, BranchAck ack) {
        forTransaction(ack.getXid(), () -> {
            Task task = tasks.get(ack.getXid());
            if (task != null) {
                task.acknowledged(session, ack);
            }
        });
    }

    /**
     * Completes when every branch of {@code xid} acknowledged phase 2 (at once if it is not being
     * driven here), or with false after {@code timeout}.
     */
    public CompletableFuture<Boolean> awaitDone(String xid, Duration timeout) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        executor.execute(() -> {
            Task task = tasks.get(xid);
            if (task == null) {
                done.complete(table.pendingDecision(xid).isEmpty() || completed.contains(xid));
            } else {
                task.waiters.add(done);
            }
        });
        return done.completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int inProgress() {
        return tasks.size();
    }

    /**
     * Where phase 2 of one branch stands on this node, for the admin views.
     *
     * @param lastFailure why the RM last failed the command ({@code ""} if it never did)
     */
    public record BranchProgressView(long branchId, boolean acknowledged, int attempts, boolean waitingForSession,
                                     String lastFailure) {
    }

    /** Phase-2 progress of every transaction this node drives, by XID (empty on a node that does not lead). */
    public CompletableFuture<Map<String, List<BranchProgressView>>> progress() {
        CompletableFuture<Map<String, List<BranchProgressView>>> view = new CompletableFuture<>();
        executor.execute(() -> {
            Map<String, List<BranchProgressView>> all = new HashMap<>();
            tasks.forEach((xid, task) -> all.put(xid, task.branches.values().stream()
                    .map(b -> new BranchProgressView(b.ref.getBranchId(), b.acked, b.attempts, b.waitingForSession,
                            b.lastFailure))
                    .toList()));
            view.complete(all);
        });
        return view;
    }

    /**
     * An operator asked to finish {@code xid} now: every unacknowledged branch is sent its command again
     * at once, its backoff started afresh. False if this node does not drive {@code xid}'s phase 2.
     */
    public CompletableFuture<Boolean> retryNow(String xid) {
        CompletableFuture<Boolean> retried = new CompletableFuture<>();
        forTransaction(xid, () -> {
            Task task = tasks.get(xid);
            if (task != null) {
                LOG.info("phase 2 of {} retried now at an operator's request", xid);
                task.retryNow();
            }
            retried.complete(task != null);
        });
        return retried;
    }

    /** @param resumed decided before this node led: its messages may be out already */
    private void track(DecisionRecord decision, boolean resumed) {
        if (!leading || tasks.containsKey(decision.getXid())) {
            return;
        }
        Task task = new Task(decision);
        tasks.put(decision.getXid(), task);
        try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, decision.getXid())) {
            task.start(resumed);
        }
    }

    private void finished(Task task) {
        tasks.remove(task.decision.getXid());
        completed.add(task.decision.getXid());
        task.waiters.forEach(w -> w.complete(true));
    }

    private void flushCompletions() {
        if (!leading || completed.isEmpty()) {
            return;
        }
        List<String> batch = new ArrayList<>(completed.subList(0, Math.min(completed.size(), MAX_COMPLETIONS_PER_RECORD)));
        completed.subList(0, batch.size()).clear();
        CompletionRecord record = CompletionRecord.newBuilder().addAllXids(batch)
                .setCompletedAtMillis(System.currentTimeMillis()).build();
        metrics.completionRecords.increment();
        log.append(LogRecord.newBuilder().setCompletion(record).build()).whenComplete((reply, failure) -> {
            if (failure != null) {
                LOG.debug("completion record of {} transactions not written: {}", batch.size(), failure.toString());
                executor.execute(() -> {
                    if (leading) {
                        completed.addAll(batch);
                    }
                });
            }
        });
    }

    /** Phase 2 of one decided transaction. */
    private final class Task {
        final DecisionRecord decision;
        final Map<Long, BranchProgress> branches = new HashMap<>();
        final List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
        boolean publishing;

        Task(DecisionRecord decision) {
            this.decision = decision;
            for (BranchRef ref : decision.getBranchesList()) {
                branches.put(ref.getBranchId(), new BranchProgress(ref));
            }
        }

        void start(boolean resumed) {
            if (decision.getOutcome() == Outcome.COMMITTED && decision.getMessagesCount() > 0) {
                if (publisher.isEmpty()) {
                    LOG.error("{} committed {} messages to publish, but this node has no Kafka cluster (--kafka): "
                            + "they wait until a node that has one leads", decision.getXid(), decision.getMessagesCount());
                } else {
                    publishing = true;
                    if (resumed) {
                        publisher.get().resumed(decision);
                    } else {
                        publisher.get().decided(decision);
                    }
                }
            }
            if (branches.isEmpty()) {
                finishIfDone();
                return;
            }
            String byOwner = resumed ? "" : decision.getPhaseTwoByInstance();
            for (BranchProgress branch : branches.values()) {
                if (!byOwner.isEmpty() && byOwner.equals(branch.ref.getInstanceId())) {
                    // the owner's RM finishes it right after the decision: sent only if its ack does not come
                    branch.finishedByOwner = true;
                    branch.schedule(() -> dispatch(branch), settings.ackTimeout().toMillis());
                } else {
                    dispatch(branch);
                }
            }
        }

        void published() {
            publishing = false;
            finishIfDone();
        }

        void finishIfDone() {
            if (!publishing && branches.values().stream().allMatch(b -> b.acked)
                    && (publisher.isPresent() || decision.getMessagesCount() == 0 || decision.getOutcome() != Outcome.COMMITTED)) {
                finished(this);
            }
        }

        void dispatch(BranchProgress branch) {
            if (branch.acked || !leading) {
                return;
            }
            branch.cancelTimer();
            Optional<ServerRmSession> session = sessions.pick(branch.ref.getResource(), branch.ref.getApp(),
                    branch.ref.getInstanceId(), decision.getApp());
            BranchCommand command = BranchCommand.newBuilder().setXid(decision.getXid())
                    .setBranchId(branch.ref.getBranchId()).setResource(branch.ref.getResource())
                    .setAction(decision.getOutcome() == Outcome.COMMITTED ? PhaseTwoAction.COMMIT : PhaseTwoAction.ROLLBACK)
                    .build();
            if (session.isPresent() && session.get().send(command)) {
                branch.sentTo.add(session.get());
                if (branch.attempts++ > 0) {
                    metrics.phaseTwoRetries.increment();
                }
                metrics.phaseTwoCommands.increment();
                branch.waitingForSession = false;
                branch.schedule(() -> dispatch(branch), Math.max(settings.ackTimeout().toMillis(), branch.backoff()));
            } else {
                branch.waitingForSession = true;
                branch.schedule(() -> dispatch(branch), branch.backoff());
            }
        }

        void retryNow() {
            for (BranchProgress branch : branches.values()) {
                if (!branch.acked) {
                    branch.nextBackoffMillis = FIRST_RETRY_MILLIS;
                    dispatch(branch);
                }
            }
        }

        void sessionAvailable(ServerRmSession session) {
            for (BranchProgress branch : branches.values()) {
                if (!branch.acked && branch.waitingForSession && session.serves(branch.ref.getResource(), decision.getApp())) {
                    dispatch(branch);
                }
            }
        }

        void acknowledged(ServerRmSession session, BranchAck ack) {
            BranchProgress branch = branches.get(ack.getBranchId());
            if (branch == null || branch.acked) {
                return;
            }
            if (!branch.sentTo.contains(session) && !branch.mayBeFinishedBy(session)) {
                LOG.warn("ack for {} branch {} from RM session {} of {}, which was not sent its command; ignored",
                        decision.getXid(), ack.getBranchId(), session.instanceId(), session.app());
                return;
            }
            if (!ack.getDone()) {
                if (ack.getWrongDatabase()) {
                    metrics.phaseTwoWrongDatabase.increment();
                }
                LOG.warn("phase 2 of {} branch {} on {} failed at the RM{}: {}; retrying", decision.getXid(),
                        ack.getBranchId(), branch.ref.getResource(),
                        ack.getWrongDatabase() ? ", which reached another database" : "", ack.getError());
                branch.lastFailure = ack.getError();
                branch.schedule(() -> dispatch(branch), branch.backoff());
                return;
            }
            branch.acked = true;
            branch.cancelTimer();
            finishIfDone();
        }

        void abandon() {
            branches.values().forEach(BranchProgress::cancelTimer);
            waiters.forEach(w -> w.complete(false));
        }
    }

    private final class BranchProgress {
        final BranchRef ref;
        /** The sessions its command went to: only they may acknowledge it. */
        final Set<ServerRmSession> sentTo = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The owner's RM instance finishes it itself ({@code phase_two_by_instance}) and acknowledges it unasked. */
        boolean finishedByOwner;
        boolean acked;
        boolean waitingForSession;
        int attempts;
        String lastFailure = "";
        long nextBackoffMillis = FIRST_RETRY_MILLIS;
        ScheduledFuture<?> timer;

        BranchProgress(BranchRef ref) {
            this.ref = ref;
        }

        /** An unasked ack counts only from the owner's instance that voted for the branch, of its application. */
        boolean mayBeFinishedBy(ServerRmSession session) {
            return finishedByOwner && session.instanceId().equals(ref.getInstanceId())
                    && ref.getApp().equals(session.authenticatedApp());
        }

        long backoff() {
            long delay = nextBackoffMillis;
            nextBackoffMillis = Math.min(nextBackoffMillis * 2, MAX_RETRY_MILLIS);
            return delay;
        }

        void schedule(Runnable action, long delayMillis) {
            cancelTimer();
            timer = executor.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
