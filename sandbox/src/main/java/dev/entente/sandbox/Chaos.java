package dev.entente.sandbox;

import dev.entente.testkit.JvmProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * {@code --chaos}: while orders run, kills the inventory or the payment service with SIGKILL every few
 * seconds, in the middle of whatever it was doing, and starts it again a moment later. Orders in
 * flight fail; branches left prepared are finished by recovery when the service is back.
 *
 * <p>The first kill waits for the first committed order: the first transactions of freshly started
 * JVMs take seconds, and a kill before any of them is through would leave nothing committed to check.
 */
final class Chaos implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stopping;
    private int crashes;

    /** @param committed how many orders have committed so far */
    Chaos(List<JvmProcess> victims, long seed, LongSupplier committed, PrintStream progress) {
        Random random = new Random(seed);
        thread = new Thread(() -> {
            while (!stopping && committed.getAsLong() == 0) {
                pause(100);
            }
            while (!stopping) {
                pause(1_500 + random.nextInt(2_000));
                if (stopping) {
                    return;
                }
                JvmProcess victim = victims.get(random.nextInt(victims.size()));
                progress.println("  chaos: kill -9 " + victim.name());
                victim.kill9();
                crashes++;
                pause(500);
                victim.start(Duration.ofSeconds(90));
                progress.println("  chaos: " + victim.name() + " restarted");
            }
        }, "chaos");
        thread.setDaemon(true);
    }

    Chaos start() {
        thread.start();
        return this;
    }

    /** How many crashes were injected. */
    int crashes() {
        return crashes;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops injecting and waits until the last victim is back. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join();
    }
}
