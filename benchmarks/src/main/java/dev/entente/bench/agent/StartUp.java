package dev.entente.bench.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JVM start, timed to a line of its output: the wall time from launch to the line, the process's CPU
 * time (all its threads, from /proc) when the line appeared, and the load average then. A program that
 * exits with its line (the small app) prints its own CPU time first ({@code cpu ms N}), since there is no
 * process left to ask; a service (the Spring Boot app) is stopped once the line is read.
 */
record StartUp(long millis, double cpuSeconds, String loadAverage) {

    private static final Pattern OWN_CPU = Pattern.compile("cpu ms (\\d+)");

    /** Runs {@code command} (the java binary first) until it prints {@code line}. */
    static StartUp of(String what, List<String> command, Pattern line, Duration timeout) throws IOException, InterruptedException {
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            double ownCpu = -1;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                output.append(text).append('\n');
                Matcher cpu = OWN_CPU.matcher(text);
                if (cpu.find()) {
                    ownCpu = Long.parseLong(cpu.group(1)) / 1000.0;
                }
                if (line.matcher(text).find()) {
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
                    double cpuSeconds = process.toHandle().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(ownCpu);
                    String load = currentLoadAverage();
                    stop(process);
                    return new StartUp(millis, cpuSeconds, load);
                }
            }
        } finally {
            stop(process);
            watchdog.interrupt();
        }
        throw new IllegalStateException(what + " did not print a line matching '" + line + "' (exit "
                + (process.isAlive() ? "none" : process.exitValue()) + "):\n" + output);
    }

    private static void stop(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The 1-minute load average, as /proc/loadavg has it. */
    static String currentLoadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
