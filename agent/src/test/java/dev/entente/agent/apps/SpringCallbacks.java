package dev.entente.agent.apps;

import java.util.List;
import java.util.function.BiConsumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's after-commit callbacks of a test application's local transaction, each told to {@link #observer} with
 * its row's id and its name: {@code synchronization afterCommit}, {@code synchronization afterCompletion
 * COMMITTED|ROLLED_BACK|UNKNOWN} (a {@link TransactionSynchronization}), {@code event AFTER_COMMIT} and {@code event
 * AFTER_ROLLBACK} ({@link TransactionalEventListener}s of the event {@link #registerFor} publishes; {@link Listeners}
 * must be a bean).
 */
final class SpringCallbacks {

    /** Told of each callback: the row's id and the callback's name. */
    static volatile BiConsumer<Integer, String> observer = (id, callback) -> { };

    /** The event the listeners take. */
    public record Observed(int id) {
    }

    private SpringCallbacks() {
    }

    /** Registers the synchronization and publishes the event of row {@code id}, in the local transaction at work. */
    static void registerFor(int id, ApplicationEventPublisher events) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                observer.accept(id, "synchronization afterCommit");
            }

            @Override
            public void afterCompletion(int status) {
                observer.accept(id, "synchronization afterCompletion " + List.of("COMMITTED", "ROLLED_BACK", "UNKNOWN").get(status));
            }
        });
        events.publishEvent(new Observed(id));
    }

    public static class Listeners {
        @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
        public void afterCommit(Observed observed) {
            observer.accept(observed.id(), "event AFTER_COMMIT");
        }

        @TransactionalEventListener(phase = TransactionPhase.AFTER_ROLLBACK)
        public void afterRollback(Observed observed) {
            observer.accept(observed.id(), "event AFTER_ROLLBACK");
        }
    }
}
