package dev.entente.bench.coordinator;

import dev.entente.bench.Measurement;
import java.time.Duration;

/** A coordinator row 1 measures, at one size, started once for the whole run: Entente's, or Seata's for comparison. */
interface MeasuredCoordinator extends AutoCloseable {

    /** What one point came to, and what this system tells of it beyond the client's figures (printed after them). */
    record Point(Measurement measurement, double decisionsPerFlush, String detail) {
    }

    /** "Entente", "Seata raft". */
    String system();

    int nodes();

    /** Whether it runs transactions with {@code branches} no-op branches. */
    boolean runs(int branches);

    /** Measures {@code concurrency} clients running transactions of {@code branches} branches. */
    Point measure(int branches, int concurrency, Duration warmup, Duration window) throws Exception;

    @Override
    void close();
}
