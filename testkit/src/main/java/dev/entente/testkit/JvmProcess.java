package dev.entente.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program in its own JVM, as it runs in production: started with a command line, its output in a
 * log file, ready when it prints a marker, and killed with SIGKILL when a test wants it dead. It ends
 * when the JVM that started it ends, however that one ends ({@link OrphanReaper}).
 */
public final class JvmProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final String readyMarker;
    private Map<String, String> environment;
    private Process process;

    public JvmProcess(String name, List<String> jvmArguments, Path logFile, String readyMarker) {
        this.name = name;
        this.command = new ArrayList<>(List.of(javaBinary()));
        this.command.addAll(jvmArguments);
        this.logFile = logFile;
        this.readyMarker = readyMarker;
    }

    /**
     * Runs the process with exactly {@code environment}, not this JVM's (PATH aside, so that programs it
     * starts are found): as a container gets only what its image and its manifest give it.
     */
    public JvmProcess withEnvironment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** Runs the process with the {@code java} launcher of the JDK in {@code javaHome} instead of this JVM's. */
    public JvmProcess withJavaHome(Path javaHome) {
        command.set(0, javaHome.resolve("bin").resolve("java").toString());
        return this;
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts the process (again, after a kill) and waits until it prints the ready marker. */
    public JvmProcess start(Duration timeout) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            process = processBuilder().start();
            OrphanReaper.watch(process.toHandle());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String output = output(logStart);
                if (output.contains(readyMarker)) {
                    return this;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output);
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(name + " did not print '" + readyMarker + "' within " + timeout + "; see " + logFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the process to its end, for programs expected to stop by themselves; returns the exit code. */
    public int runToExit(Duration timeout) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = processBuilder().start();
            OrphanReaper.watch(process.toHandle());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " still ran after " + timeout + "; see " + logFile);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ProcessBuilder processBuilder() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (environment != null) {
            String path = builder.environment().get("PATH");
            builder.environment().clear();
            builder.environment().put("PATH", path);
            builder.environment().putAll(environment);
        }
        return builder;
    }

    private String output(long from) throws IOException {
        byte[] bytes = Files.readAllBytes(logFile);
        return new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Everything the process printed so far (all runs). */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed, as when a machine dies. */
    public void kill9() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly(); // SIGKILL on Linux
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * SIGTERM, as a service manager stops a program, and waits for the process to exit; its exit code.
     * A process still running after {@code patience} is killed with SIGKILL and reported.
     */
    public int terminate(Duration patience) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        process.destroy(); // SIGTERM on Linux
        try {
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not exit within " + patience + " of SIGTERM; killed; see " + logFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The operating system's id of the running process (for jcmd, say). */
    public long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        if (process != null) {
            stop(process);
        }
    }

    /** SIGTERM, then SIGKILL if {@code process} has not ended within 10 s. */
    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
