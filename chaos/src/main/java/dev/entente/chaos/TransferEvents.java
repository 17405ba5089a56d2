package dev.entente.chaos;

import dev.entente.chaos.bank.TransferService;
import dev.entente.testkit.CommittedRecords;
import dev.entente.testkit.CommittedRecords.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One run's transfer events as a {@code read_committed} consumer sees them in the campaign's topic:
 * the records keyed by one of the run's transfer ids.
 */
final class TransferEvents {

    private final String kafka;
    private final String idPrefix;

    TransferEvents(String kafka, String idPrefix) {
        this.kafka = kafka;
        this.idPrefix = idPrefix;
    }

    List<Message> read() {
        return CommittedRecords.read(kafka, TransferService.EVENTS_TOPIC).stream()
                .filter(m -> m.key() != null && m.key().startsWith(idPrefix)).toList();
    }

    /**
     * Reads until the coordinator has nothing left to publish and at least {@code expected} events are
     * there, or {@code patience} is over (publishing goes on after a commit returned, and waits for a
     * broker that was down), then returns what is there. Nothing left to publish means {@code backlog}
     * said 0 twice, a second apart, with no event arriving in between: stopping at the expected count
     * alone would miss a duplicate published after it.
     */
    List<Message> await(int expected, LongSupplier backlog, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Message> events = read();
        boolean idle = false;
        while (System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
            List<Message> before = events;
            boolean idleBefore = idle;
            idle = backlog.getAsLong() == 0;
            events = read();
            if (idleBefore && idle && events.size() == before.size() && events.size() >= expected) {
                break;
            }
        }
        return events;
    }
}
