package dev.entente.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one operation from {@code concurrency} threads, each starting the next as soon as the last
 * returned, for a warm-up and then a measured window. Only operations that start inside the window
 * count; failed ones are counted apart and never enter the latencies.
 */
public final class ClosedLoop {

    /** One unit of work: a global transaction, a query, a request. */
    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    private ClosedLoop() {
    }

    public static Measurement run(int concurrency, Duration warmup, Duration window, Operation operation) throws InterruptedException {
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long measureUntil = measureFrom + window.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            LatencyLog log = new LatencyLog();
            Thread thread = new Thread(() -> {
                long start;
                while ((start = System.nanoTime()) < measureUntil) {
                    try {
                        operation.run();
                        completed.incrementAndGet();
                        if (start >= measureFrom) {
                            log.add(System.nanoTime() - start);
                        }
                    } catch (Exception e) {
                        if (start >= measureFrom) {
                            errors.incrementAndGet();
                        }
                        firstError.compareAndSet(null, e.toString());
                    }
                }
                synchronized (perThread) {
                    perThread.add(log.toArray());
                }
            }, "bench-client-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).toArray();
        return Measurement.of(all, errors.get(), window.toNanos() / 1e9, firstError.get(), completed.get());
    }

    /** A growable array of latencies, one per thread, so recording allocates almost nothing. */
    private static final class LatencyLog {
        private long[] nanos = new long[4096];
        private int size;

        void add(long value) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            nanos[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(nanos, size);
        }
    }
}
