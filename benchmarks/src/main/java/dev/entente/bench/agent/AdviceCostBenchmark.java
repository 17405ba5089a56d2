package dev.entente.bench.agent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the agent's JDBC advice costs a call made outside any global transaction: {@code prepareStatement},
 * {@code commit} and {@code close} on a connection that does nothing, in a JVM with the agent and in one
 * without ({@link AdviceCostBench} runs both). The connection is opened through a driver, as an
 * application's would be, so that under the agent the runtime has started and its resource manager is the
 * hook the advice calls, as in a running service.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdviceCostBenchmark {

    private Connection connection;

    @Setup
    public void connect() throws SQLException {
        connection = new IdleDriver().connect("jdbc:idle:bench", new Properties());
    }

    @Benchmark
    public PreparedStatement prepareStatement() throws SQLException {
        return connection.prepareStatement("select 1");
    }

    @Benchmark
    public void commit() throws SQLException {
        connection.commit();
    }

    @Benchmark
    public void close() throws SQLException {
        connection.close();
    }
}
