package dev.entente.runtime.tm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import dev.entente.bootstrap.TransactionContext;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.Xids;
import dev.entente.runtime.spring.DeferredSynchronizations;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spring's after-commit calls held until the global outcome, in-process: which calls are held, and which are made
 * for each outcome, in the service that owns the transaction and in one that joined it (where phase 2 of its
 * branch, or the coordinator's answer at the deadline, brings the outcome). (In this package because the transaction manager makes the {@link Completion}s;
 * {@code SpringAfterCommitTest} runs it with Spring, the agent and real databases.)
 */
class DeferredSynchronizationsTest {

    /** Stands for Spring's {@code TransactionSynchronizationUtils}: records what it is asked, as Spring would run it. */
    public static final class Utils {
        static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

        public static void invokeAfterCommit(List<?> synchronizations) {
            CALLS.add("afterCommit " + synchronizations + onJoinedThread());
            if (synchronizations.contains("fails")) {
                throw new IllegalStateException("afterCommit failed");
            }
        }

        public static void invokeAfterCompletion(List<?> synchronizations, int status) {
            CALLS.add("afterCompletion(" + status + ") " + synchronizations + onJoinedThread());
        }

        private static String onJoinedThread() {
            return Thread.currentThread().getName().equals("entente-spring-callbacks") ? " (callbacks thread)" : "";
        }
    }

    /** A transaction another service began, whose deadline is {@code fromNowMillis} away. */
    private static String joined(long fromNowMillis) {
        return Xids.format("joined-test", 1, 1, System.nanoTime() & 0xffffff, System.currentTimeMillis() + fromNowMillis);
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** What the coordinator answers, one by one, when asked at a joined transaction's deadline. */
    private final Queue<Outcome> answersAtDeadline = new ArrayDeque<>();
    private final List<String> askedAtDeadline = Collections.synchronizedList(new ArrayList<>());
    private final DeferredSynchronizations synchronizations = new DeferredSynchronizations(Set.of("owned")::contains,
            xid -> {
                askedAtDeadline.add(xid);
                synchronized (answersAtDeadline) {
                    Outcome answer = answersAtDeadline.poll();
                    if (answer == null) {
                        throw new IllegalStateException("the coordinator cannot be reached");
                    }
                    return answer;
                }
            }, timer);

    @AfterEach
    void unbind() {
        TransactionContext.bind(null);
        Utils.CALLS.clear();
        timer.shutdownNow();
    }

    /** Spring's commit of a local transaction with {@code synchronizations} ends under the XID bound now. */
    private boolean[] springCommits(List<String> synchronizations) {
        return new boolean[] {this.synchronizations.deferAfterCommit(Utils.class, synchronizations),
            this.synchronizations.deferAfterCompletion(Utils.class, synchronizations, 0)};
    }

    @Test
    void onCommitAfterCommitThenAfterCompletionCommittedRunOnceTheOutcomeIsKnown() {
        TransactionContext.bind("owned");
        assertThat(springCommits(List.of("a"))).containsExactly(true, true);
        assertThat(Utils.CALLS).as("nothing runs at Spring's commit").isEmpty();

        Completion completion = Completion.commit("owned");
        completion.decided(true, "", true);
        synchronizations.outcomeToApplication(completion);

        assertThat(Utils.CALLS).containsExactly("afterCommit [a]", "afterCompletion(0) [a]");
    }

    @Test
    void onRollbackOnlyAfterCompletionRolledBackRuns() {
        TransactionContext.bind("owned");
        springCommits(List.of("a"));

        synchronizations.outcomeToApplication(Completion.rollback("owned", "a later failure"));

        assertThat(Utils.CALLS).containsExactly("afterCompletion(1) [a]");
    }

    @Test
    void anUnknownOutcomeIsAfterCompletionUnknown() {
        TransactionContext.bind("owned");
        springCommits(List.of("a"));
        Completion completion = Completion.commit("owned");
        completion.decided(false, "the outcome is unknown", false);
        completion.outcomeUnknown();

        synchronizations.outcomeToApplication(completion);

        assertThat(Utils.CALLS).containsExactly("afterCompletion(2) [a]");
    }

    @Test
    void outsideAGlobalTransactionAndForALocalRollbackSpringCallsThemItself() {
        assertThat(springCommits(List.of("a"))).as("no global transaction").containsExactly(false, false);
        TransactionContext.bind("owned");
        assertThat(synchronizations.deferAfterCompletion(Utils.class, List.of("a"), 1)).as("a local rollback").isFalse();
        TransactionContext.bind(joined(60_000));
        assertThat(synchronizations.deferAfterCompletion(Utils.class, List.of("a"), 1)).as("a local rollback, joined").isFalse();
    }

    @Test
    void inAJoinedTransactionTheyRunOnTheirOwnThreadWhenPhaseTwoOfItsBranchCommitsHere() {
        String xid = joined(60_000);
        TransactionContext.bind(xid);
        assertThat(springCommits(List.of("a"))).containsExactly(true, true);
        springCommits(List.of("b"));
        synchronizations.finished(joined(60_000), true);
        assertThat(Utils.CALLS).as("nothing runs at Spring's commit, nor for another transaction's phase 2").isEmpty();

        synchronizations.finished(xid, true);
        synchronizations.finished(xid, true); // its second branch: the calls were made already

        await().atMost(Duration.ofSeconds(5)).until(() -> Utils.CALLS.size() == 4);
        assertThat(Utils.CALLS).containsExactly("afterCommit [a] (callbacks thread)", "afterCompletion(0) [a] (callbacks thread)",
                "afterCommit [b] (callbacks thread)", "afterCompletion(0) [b] (callbacks thread)");
        assertThat(askedAtDeadline).isEmpty();
    }

    @Test
    void inAJoinedTransactionWhosePhaseTwoRollsItsBranchBackOnlyAfterCompletionRolledBackRuns() {
        String xid = joined(60_000);
        TransactionContext.bind(xid);
        springCommits(List.of("a"));

        synchronizations.finished(xid, false);

        await().atMost(Duration.ofSeconds(5)).until(() -> !Utils.CALLS.isEmpty());
        assertThat(Utils.CALLS).containsExactly("afterCompletion(1) [a] (callbacks thread)");
    }

    @Test
    void inAJoinedTransactionNoPhaseTwoReachesTheCoordinatorIsAskedAtTheDeadlineUntilItAnswers() {
        String xid = joined(0); // due at once (a second for clocks)
        synchronized (answersAtDeadline) {
            answersAtDeadline.add(Outcome.ACTIVE);
            answersAtDeadline.add(Outcome.COMMITTED);
        }
        TransactionContext.bind(xid);
        springCommits(List.of("read-only"));

        await().atMost(Duration.ofSeconds(15)).until(() -> Utils.CALLS.size() == 2);
        assertThat(Utils.CALLS).containsExactly("afterCommit [read-only] (callbacks thread)",
                "afterCompletion(0) [read-only] (callbacks thread)");
        assertThat(askedAtDeadline).as("ACTIVE, then COMMITTED").containsExactly(xid, xid);
    }

    @Test
    void inAJoinedTransactionUndecidedAtItsDeadlineTheCoordinatorsAbortMeansRolledBack() {
        String xid = joined(0);
        synchronized (answersAtDeadline) {
            answersAtDeadline.add(Outcome.UNKNOWN);
        }
        TransactionContext.bind(xid);
        springCommits(List.of("a"));

        await().atMost(Duration.ofSeconds(15)).until(() -> !Utils.CALLS.isEmpty());
        assertThat(Utils.CALLS).containsExactly("afterCompletion(1) [a] (callbacks thread)");
    }

    @Test
    void afterCompletionStillRunsWhenAfterCommitThrowsAndTheFailureReachesTheCaller() {
        TransactionContext.bind("owned");
        springCommits(List.of("fails"));
        Completion completion = Completion.commit("owned");
        completion.decided(true, "", true);

        assertThatThrownBy(() -> synchronizations.outcomeToApplication(completion)).hasMessage("afterCommit failed");
        assertThat(Utils.CALLS).containsExactly("afterCommit [fails]", "afterCompletion(0) [fails]");
    }
}
