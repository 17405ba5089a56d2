package dev.entente.coordinator.testing;

import dev.entente.coordinator.CoordinatorMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A coordinator node running as its own JVM process, as in production; killed with SIGKILL in fault tests. */
public final class CoordinatorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> args;
    private final Path logFile;
    private final int clientPort;
    private final int adminPort;
    private Process process;

    public CoordinatorProcess(String name, Path workDir, int clientPort, int adminPort, List<String> args) {
        this.name = name;
        this.args = List.copyOf(args);
        this.logFile = workDir.resolve(name + ".log");
        this.clientPort = clientPort;
        this.adminPort = adminPort;
    }

    /** A single node in --dev mode with its data in {@code workDir}. */
    public static CoordinatorProcess dev(Path workDir, String... extraArgs) {
        int client = FreePorts.next();
        int admin = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("--dev", "--port", String.valueOf(client), "--admin-port",
                String.valueOf(admin), "--raft-port", String.valueOf(FreePorts.next()),
                "--data-dir", workDir.resolve("dev-data").toString()));
        args.addAll(List.of(extraArgs));
        return new CoordinatorProcess("dev", workDir, client, admin, args);
    }

    /** Starts the process and waits until it prints its ready line. */
    public CoordinatorProcess start() {
        try {
            Files.createDirectories(logFile.getParent());
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), CoordinatorMain.class.getName()));
            command.addAll(args);
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                String output = Files.readString(logFile).substring((int) logStart);
                if (output.contains(" ready: ")) {
                    return this;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output);
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(name + " did not become ready within 60 s; see " + logFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until this node serves transactions as the leader. */
    public CoordinatorProcess awaitServing() {
        org.awaitility.Awaitility.await(name + " serving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> admin("/cluster").contains("\"serving\" : true"));
        return this;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** kill -9: no shutdown hook, no flush, as when a machine dies. */
    public void kill9() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly(); // SIGKILL on Linux
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    public String clientAddress() {
        return "127.0.0.1:" + clientPort;
    }

    public Path logFile() {
        return logFile;
    }

    /** GET on the admin port; the body, or throws if the node does not answer. */
    public String admin(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(name + " admin " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> adminResponse(String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
