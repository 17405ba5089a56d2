package dev.entente.coordinator.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/** Runs {@code entente tx} or {@code entente cluster} in this JVM with a given environment and captures what it printed. */
public final class TxRunner {

    /** What one run printed, and its exit status. */
    public record Run(int status, String out, String err) {
    }

    private TxRunner() {
    }

    public static Run run(Map<String, String> env, String... args) {
        return capture((out, err) -> new TxCommand(out, err, env).run(args));
    }

    static Run cluster(Map<String, String> env, String... args) {
        return capture((out, err) -> new ClusterCommand(out, err, env).run(args));
    }

    private static Run capture(ToIntBiFunction<PrintStream, PrintStream> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = command.applyAsInt(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
