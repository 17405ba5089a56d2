package dev.entente.runtime.tm;

/**
 * A part of this process that takes part in the global transactions it owns, in the manner of JTA's
 * {@code Synchronization}: the JDBC resource manager (its branches), the {@code @Publish} messages and
 * the {@code @Locked} locks. The transaction manager does not call their own methods; at the end of
 * each transaction this process owns, it calls every participant at three points, in the order it was
 * given them:
 * <ol>
 *   <li>{@link #beforeCompletion}: the owner is about to ask for commit, or to roll back. The work
 *       under the transaction ends here, and each participant adds what the request carries (its
 *       branches' votes go to {@link CarriedVotes}, which the request takes after this step);</li>
 *   <li>{@link #decided}: the decision is known (before a Rollback leaves, or once a Commit is
 *       answered): what this process finishes itself, it finishes now (phase 2 of its own branches);</li>
 *   <li>{@link #afterCompletion}: the transaction ended here, with phase 2 known to be done or not:
 *       what was held for it until it is finished can go.</li>
 * </ol>
 * The order matters at the last step: a participant that holds something until phase 2 is done (the
 * locks) comes after those that finish branches.
 */
public interface Participant {

    default void beforeCompletion(Completion completion) {
    }

    default void decided(Completion completion) {
    }

    default void afterCompletion(Completion completion) {
    }

    default void outcomeToApplication(Completion completion) {
    }
}
