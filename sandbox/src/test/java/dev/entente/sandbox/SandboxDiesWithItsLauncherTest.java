package dev.entente.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.TemporaryDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code entente sandbox} killed with SIGKILL (no shutdown hook runs) leaves none of the processes it
 * started: its coordinator JVM, the embedded PostgreSQL (started by pg_ctl in a session of its own, so no
 * descendant of the sandbox) and MariaDB servers. The processes are found from outside, before the
 * kill: the sandbox's descendants, and every process whose command line names the sandbox's own
 * temporary or working directory (the databases' binaries and data live there), with their descendants.
 * The databases' directories (some 600 MB) go too.
 */
@Timeout(600)
class SandboxDiesWithItsLauncherTest {

    private static final Duration BOUND = Duration.ofSeconds(45);

    @Test
    void killingTheSandboxWithSigkillEndsEveryProcessItStarted() throws Exception {
        Path test = TemporaryDirectory.create("entente-sandbox-kill"); // some 600 MB: the databases' binaries and data
        Path temporary = Files.createDirectories(test.resolve("tmp"));
        Path work = test.resolve("work");
        Path log = test.resolve("sandbox.log");
        ProcessBuilder builder = new ProcessBuilder(JvmProcess.javaBinary(), "-Xmx384m", "-Djava.io.tmpdir=" + temporary,
                "-Dentente.coordinator.jar=" + System.getProperty("entente.coordinator.jar"),
                "-cp", System.getProperty("java.class.path"), Sandbox.class.getName(), "--work", work.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // the sandbox's own embedded servers, never the machine's
        builder.environment().remove("ENTENTE_TEST_PG_URL");
        builder.environment().remove("ENTENTE_TEST_MARIADB_URL");
        Process sandbox = builder.start();
        Map<Long, String> started = Map.of();
        try {
            awaitReady(sandbox, log);
            started = processesOf(sandbox.toHandle(), List.of(temporary.toString(), work.toString()));
            assertThat(started.values()).as("the sandbox's processes, found before the kill")
                    .anyMatch(command -> command.contains("bin/postgres"))
                    .anyMatch(command -> command.contains("bin/mariadbd") || command.contains("bin/mysqld"))
                    .anyMatch(command -> command.contains("entente-coordinator.jar") || command.contains("CoordinatorMain"));

            sandbox.destroyForcibly(); // SIGKILL
            sandbox.waitFor();

            Map<Long, String> survivors = survivors(started, BOUND);
            assertThat(survivors).as("processes of the sandbox still running " + BOUND.toSeconds()
                    + " s after it was killed with SIGKILL (of " + started + ")").isEmpty();
            assertThat(serverDirectoriesLeft(temporary, BOUND)).as("the embedded servers' directories left in "
                    + temporary + " " + BOUND.toSeconds() + " s after the sandbox was killed").isEmpty();
        } finally {
            sandbox.destroyForcibly();
            started.keySet().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            TemporaryDirectory.delete(test);
        }
    }

    /** The embedded servers' own directories in {@code temporary} still there after {@code bound}, or as soon as none is. */
    private static List<Path> serverDirectoriesLeft(Path temporary, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        List<Path> left;
        do {
            try (var entries = Files.list(temporary)) {
                left = entries.filter(entry -> entry.getFileName().toString().matches("entente-(postgres|mariadb)-.*")).toList();
            }
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return left;
    }

    private static void awaitReady(Process sandbox, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log);
            if (output.lines().anyMatch("ready"::equals)) {
                return;
            }
            assertThat(sandbox.isAlive()).as("the sandbox exited before it was ready:\n" + output).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("the sandbox was not ready within 5 minutes:\n" + Files.readString(log));
    }

    /** The launcher's descendants and the processes naming one of {@code directories}, with theirs: id to command line. */
    private static Map<Long, String> processesOf(ProcessHandle launcher, List<String> directories) {
        List<ProcessHandle> roots = new ArrayList<>(launcher.descendants().toList());
        ProcessHandle.allProcesses().filter(process -> directories.stream().anyMatch(commandLine(process)::contains))
                .forEach(roots::add);
        Map<Long, String> processes = new TreeMap<>();
        for (ProcessHandle root : roots) {
            processes.put(root.pid(), shown(root));
            root.descendants().forEach(child -> processes.put(child.pid(), shown(child)));
        }
        processes.remove(ProcessHandle.current().pid());
        return processes;
    }

    private static String commandLine(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        return info.commandLine().orElseGet(() -> info.command().orElse("?"));
    }

    /** The command line cut short: a JVM's class path would drown a failure's message. */
    private static String shown(ProcessHandle process) {
        String commandLine = commandLine(process);
        return commandLine.length() <= 300 ? commandLine : commandLine.substring(0, 300) + "...";
    }

    /** The processes of {@code started} still alive after {@code bound}, or as soon as none is. */
    private static Map<Long, String> survivors(Map<Long, String> started, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<Long, String> alive;
        do {
            Set<Long> running = started.keySet().stream()
                    .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).collect(Collectors.toSet());
            alive = new TreeMap<>(started);
            alive.keySet().retainAll(running);
            if (alive.isEmpty()) {
                return alive;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return alive;
    }
}
