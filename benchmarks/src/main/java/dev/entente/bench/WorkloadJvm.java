package dev.entente.bench;

import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.OrphanReaper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A workload run in a fresh JVM of its own (so a variant with {@code -javaagent} and one without
 * start equal), on this JVM's class path or, for a peer's client, on the class path of its own. The
 * workload prints one {@link ResultLine}, read back here.
 */
public final class WorkloadJvm {

    private static final Pattern BUILD_ORDER_ONLY = Pattern.compile("entente-(agent|coordinator-server|seata-client)-.*\\.jar");

    private WorkloadJvm() {
    }

    /** Runs {@code main} with {@code jvmOptions} and returns the measurement it printed ({@link ResultLine}). */
    public static Measurement measure(String what, List<String> jvmOptions, Class<?> main, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return measure(what, command(jvmOptions, main, args), timeout);
    }

    /** Runs {@code command} (a JVM whose main prints a {@link ResultLine}) and returns the measurement it printed. */
    public static Measurement measure(String what, List<String> command, Duration timeout) throws IOException, InterruptedException {
        return ResultLine.read(what, runToEnd(command, timeout));
    }

    /** Runs {@code main} to its end and returns how long that took, launch to exit, in milliseconds. */
    public static long timeToExit(String what, List<String> jvmOptions, Class<?> main, String expectedOutput)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        String output = runToEnd(command(jvmOptions, main), Duration.ofSeconds(60));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (!output.contains(expectedOutput)) {
            throw new IllegalStateException(what + " did not print '" + expectedOutput + "':\n" + output);
        }
        return millis;
    }

    /**
     * A long-running program ({@code main}, a service) on this JVM's class path, not yet started: ready
     * when it prints {@code readyMarker}, its output in {@code logFile}.
     */
    public static JvmProcess service(String name, List<String> jvmOptions, Class<?> main, Path logFile, String readyMarker,
                                     String... args) {
        List<String> command = command(jvmOptions, main, args);
        return new JvmProcess(name, command.subList(1, command.size()), logFile, readyMarker);
    }

    /** The command that runs {@code main} on this JVM's class path (the java binary first). */
    public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(JvmProcess.javaBinary(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", applicationClassPath(), main.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /**
     * This JVM's class path without the agent's, the coordinator's and Seata's client's own jars: the
     * build puts them on a test's class path (they are built first), but an application must not see
     * them, or the system class loader would load the agent from the wrong jar.
     */
    private static String applicationClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !BUILD_ORDER_ONLY.matcher(Path.of(entry).getFileName().toString()).matches())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** What a failure says of a command: everything but the class path. */
    private static String describe(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int classPath = shown.indexOf("-cp");
        if (classPath >= 0 && classPath + 1 < shown.size()) {
            shown.set(classPath + 1, "<class path>");
        }
        return String.join(" ", shown);
    }

    /** Runs a JVM to its end and returns what it printed; a non-zero exit is an error carrying that output. */
    private static String runToEnd(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        OrphanReaper.watch(process.toHandle());
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("a benchmark JVM ran longer than " + timeout + ": " + describe(command));
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("a benchmark JVM exited with " + process.exitValue() + ": " + describe(command) + "\n" + text);
        }
        return text;
    }

    /** The agent jar the launcher names (system property {@code entente.agent.jar}). */
    public static String agentJar() {
        String jar = System.getProperty("entente.agent.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("this benchmark needs the agent jar: system property entente.agent.jar is '"
                    + jar + "' (bin/entente sets it to agent/target/entente-agent.jar; build it with mvn -DskipTests package)");
        }
        return jar;
    }
}
