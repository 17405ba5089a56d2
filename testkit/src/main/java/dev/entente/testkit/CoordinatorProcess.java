package dev.entente.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A coordinator node running as its own JVM process, as in production; killed with SIGKILL in fault tests.
 * {@link #dev} nodes run plain text on loopback (as {@code --dev} does); pass {@link CoordinatorSecurity#coordinatorArgs()}
 * as extra arguments for TLS and client authentication. {@link #admin} reads the node's admin port as an
 * operator would: over HTTPS trusting {@code --tls-ca} when the node has TLS material, with the read token
 * ({@link #readTokenFile()}).
 */
public final class CoordinatorProcess implements AutoCloseable {

    private static final Pattern CLUSTER_ID = Pattern.compile("\"clusterId\" : \"([^\"]*)\"");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String MAIN_CLASS = "dev.entente.coordinator.CoordinatorMain";

    private final JvmProcess process;
    private final int clientPort;
    private final int adminPort;
    private final List<String> args;
    private final HttpClient http;

    public CoordinatorProcess(String name, Path workDir, int clientPort, int adminPort, List<String> args) {
        this(name, workDir, clientPort, adminPort, List.of(), args);
    }

    /** A node whose JVM also gets {@code jvmOptions} (system properties, say) before the coordinator's own arguments. */
    public CoordinatorProcess(String name, Path workDir, int clientPort, int adminPort, List<String> jvmOptions, List<String> args) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        jvm.addAll(jvmOptions);
        jvm.addAll(launcher());
        jvm.addAll(args);
        this.process = new JvmProcess(name, jvm, workDir.resolve(name + ".log"), " ready: ");
        this.clientPort = clientPort;
        this.adminPort = adminPort;
        this.args = List.copyOf(args);
        this.http = argument("--tls-ca").map(CoordinatorProcess::httpsTrusting).orElse(HTTP);
    }

    /** The value given to {@code flag}, if it is among the node's arguments. */
    private Optional<String> argument(String flag) {
        int at = args.lastIndexOf(flag);
        return at < 0 || at + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(at + 1));
    }

    private static HttpClient httpsTrusting(String caFile) {
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate authority : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, authority);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(context).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the authority in " + caFile + ": " + e, e);
        }
    }

    /**
     * The file whose token reads this node's admin views: {@code --admin-read-token-file}, else the one
     * {@code --dev} writes to {@code DATA-DIR/admin-read-token}, else {@code --admin-token-file} (the admin
     * token reads too); empty for a node started with {@code --admin-open-views}.
     */
    public Optional<Path> readTokenFile() {
        if (args.contains("--admin-open-views")) {
            return Optional.empty();
        }
        Optional<String> generated = args.contains("--dev")
                ? Optional.of(argument("--data-dir").orElse("entente-data/dev") + "/admin-read-token") : Optional.empty();
        return argument("--admin-read-token-file").or(() -> generated).or(() -> argument("--admin-token-file")).map(Path::of);
    }

    /** The admin port's URL scheme: https for a node with TLS material. */
    public String adminScheme() {
        return args.contains("--tls-cert") ? "https" : "http";
    }

    /**
     * How to run the coordinator: its packaged jar when the system property {@code entente.coordinator.jar}
     * names it, else its main class from this JVM's class path (the coordinator's own tests).
     */
    private static List<String> launcher() {
        String jar = System.getProperty("entente.coordinator.jar");
        if (jar != null && !jar.isBlank()) {
            return List.of("-jar", jar);
        }
        return List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS);
    }

    /** A single node in --dev mode with its data in {@code workDir}. */
    public static CoordinatorProcess dev(Path workDir, String... extraArgs) {
        return dev(workDir, FreePorts.next(), extraArgs);
    }

    /** A single node in --dev mode with its data in {@code workDir}, serving clients on port {@code client}. */
    public static CoordinatorProcess dev(Path workDir, int client, String... extraArgs) {
        int admin = FreePorts.next();
        List<String> args = new ArrayList<>(List.of("--dev", "--port", String.valueOf(client), "--admin-port",
                String.valueOf(admin), "--raft-port", String.valueOf(FreePorts.next()),
                "--data-dir", workDir.resolve("dev-data").toString()));
        args.addAll(List.of(extraArgs));
        return new CoordinatorProcess("dev", workDir, client, admin, args);
    }

    /**
     * Starts the process and waits until it prints its ready line: at most 2 minutes, as a JVM has
     * taken over a minute to start on the shared 2-core machine at load average 80.
     */
    public CoordinatorProcess start() {
        process.start(Duration.ofSeconds(120));
        return this;
    }

    /** Runs the node expecting it to refuse to start (bad options); its exit code. Its output is in {@link #logTail}. */
    public int runToExit() {
        return process.runToExit(Duration.ofSeconds(60));
    }

    /** Waits until this node serves transactions as the leader. */
    public CoordinatorProcess awaitServing() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (isServing()) {
                return this;
            }
            sleep(100);
        }
        throw new IllegalStateException(name() + " did not become a serving leader within 60 s; see " + process.logFile());
    }

    /** True if this node answers and serves as the leader. */
    public boolean isServing() {
        try {
            return isAlive() && admin("/cluster").contains("\"serving\" : true");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The cluster's id as this node knows it (its first leader wrote it: the {@code --cluster-id} name and
     * a random part): the first part of every XID, and of every prepared XA branch, of this cluster.
     */
    public String clusterId() {
        Matcher id = CLUSTER_ID.matcher(admin("/cluster"));
        if (!id.find() || id.group(1).isEmpty()) {
            throw new IllegalStateException(name() + " knows no cluster id yet (no leader has written it)");
        }
        return id.group(1);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9: no shutdown hook, no flush, as when a machine dies. */
    public void kill9() {
        process.kill9();
    }

    /** SIGTERM, as an operator stops a node, and waits (at most 30 s) until the process has exited. */
    public void stop() {
        process.terminate(Duration.ofSeconds(30));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The operating system's id of the node's JVM. */
    public long pid() {
        return process.pid();
    }

    public String name() {
        return process.name();
    }

    public String clientAddress() {
        return "127.0.0.1:" + clientPort;
    }

    public String adminAddress() {
        return "127.0.0.1:" + adminPort;
    }

    public Path logFile() {
        return process.logFile();
    }

    /** The last {@code lines} lines of this node's log. */
    public String logTail(int lines) {
        List<String> all = process.log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** GET on the admin port; the body, or throws if the node does not answer. */
    public String admin(String path) {
        try {
            return adminResponse("GET", path).body();
        } catch (IOException e) {
            throw new IllegalStateException(name() + " admin " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of a counting sample of this node's {@code /metrics}, e.g. {@code entente_transactions_in_flight}. */
    public long metric(String sample) {
        return PrometheusText.value(admin("/metrics"), sample);
    }

    /** A request to the admin port, with the read token when the node has one. */
    public HttpResponse<String> adminResponse(String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminScheme() + "://127.0.0.1:" + adminPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                // a TLS handshake with a JVM that has just started takes seconds on a loaded machine
                .timeout(Duration.ofSeconds(adminScheme().equals("https") ? 10 : 3));
        Optional<Path> tokenFile = readTokenFile();
        if (tokenFile.isPresent() && Files.isReadable(tokenFile.get())) {
            request.header("Authorization", "Bearer " + Files.readString(tokenFile.get()).strip());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.close();
    }
}
