package dev.entente.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The machine a run measured on, printed at its top so every raw output says where it came from; and its
 * load average, printed with every figure (the machine may be shared).
 */
public final class Environment {

    private Environment() {
    }

    static void describe(PrintStream out) {
        out.printf("machine: %d cores (nproc), %s memory, load average %s; java %s (%s); %s%n",
                Runtime.getRuntime().availableProcessors(), memory(), loadAverage(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), Instant.now());
    }

    private static String memory() {
        return firstLine(Path.of("/proc/meminfo")).replaceAll("\\s+", " ").replace("MemTotal: ", "");
    }

    /** The load average over 1, 5 and 15 minutes, as /proc/loadavg says. */
    public static String loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        String[] parts = line.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : line;
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
