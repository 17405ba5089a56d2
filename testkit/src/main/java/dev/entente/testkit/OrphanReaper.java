package dev.entente.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends the processes this JVM starts when this JVM ends, however it ends: a launcher ({@code entente
 * sandbox}, {@code demo}, {@code chaos}, {@code bench}, a test run) killed with SIGKILL runs no shutdown
 * hook, and without this its coordinators, service JVMs and database servers would run on.
 *
 * <p>The first {@link #watch} starts a small shell process (one per JVM) whose standard input is a pipe
 * from this JVM; it keeps the list of watched process ids. When this JVM exits the kernel closes the
 * pipe, and the reaper sends SIGTERM to every process still watched, then SIGKILL to those still running
 * 10 s later, and removes the directories it was given (orphan-reaper.sh). A watched process is forgotten as soon as it exits, so a process id
 * reused later by the system is never signalled. The reaper ignores SIGHUP, SIGINT and SIGTERM and runs
 * in its own session where {@code setsid} exists, so what stops the launcher's process group does not
 * stop it.
 *
 * <p>Where no POSIX shell can be started (Windows), watching prints one warning and does nothing.
 */
public final class OrphanReaper {

    private static Writer reaper;
    private static boolean unavailable;

    private OrphanReaper() {
    }

    /** Ends {@code process} when this JVM ends, unless it ended first. */
    public static void watch(ProcessHandle process) {
        long pid = process.pid();
        if (send("watch " + pid)) {
            process.onExit().thenRun(() -> send("forget " + pid));
        }
    }

    /** Watches the process whose id is the first line of {@code pidFile} (as PostgreSQL and MariaDB write it). */
    public static void watchPidFile(Path pidFile, String server) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            ProcessHandle.of(pid).ifPresent(OrphanReaper::watch);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the process id of " + server + " from " + pidFile
                    + "; it would outlive this JVM if this JVM were killed: " + e, e);
        }
    }

    /**
     * Removes {@code directory} (an embedded server's binaries and data) when this JVM ends, however it
     * ends, after the watched processes have gone. Only for directories this JVM created for itself.
     */
    public static void removeWhenThisJvmEnds(Path directory) {
        String path = directory.toAbsolutePath().toString();
        if (path.contains("\n")) {
            throw new IllegalArgumentException("a directory to remove at exit must not have a line break in its name: " + path);
        }
        send("remove " + path);
    }

    private static synchronized boolean send(String line) {
        if (reaper == null && !unavailable) {
            reaper = start();
            unavailable = reaper == null;
        }
        if (reaper == null) {
            return false;
        }
        try {
            reaper.write(line + "\n");
            reaper.flush();
            return true;
        } catch (IOException e) {
            System.err.println("entente: the orphan reaper stopped (" + e.getMessage()
                    + "); processes started from now on may outlive this JVM if it is killed");
            reaper = null;
            unavailable = true;
            return false;
        }
    }

    private static Writer start() {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(List.of("/bin/sh", "-c", script()));
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            System.err.println("entente: cannot start the orphan reaper (/bin/sh: " + e.getMessage()
                    + "); processes this JVM starts will outlive it if it is killed");
            return null;
        }
    }

    private static String script() {
        try (InputStream script = OrphanReaper.class.getResourceAsStream("orphan-reaper.sh")) {
            if (script == null) {
                throw new IllegalStateException("orphan-reaper.sh is missing beside " + OrphanReaper.class.getName());
            }
            return new String(script.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read orphan-reaper.sh: " + e.getMessage(), e);
        }
    }
}
