package dev.entente.agent.testing;

import dev.entente.testkit.FreePorts;
import dev.entente.testkit.JvmProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A test service in its own JVM, started with the packaged agent jar ({@code -javaagent}) and a class
 * path holding only what an application would have: its classes, the Entente API, JDBC drivers and pool.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Class path entries an application of ours would not have: Entente's internals and their libraries. */
    private static final List<String> NOT_THE_APPLICATIONS = List.of("/runtime/target/", "/protocol/target/",
            "/bootstrap/target/", "/agent/target/classes", "/coordinator-server/", "entente-runtime", "entente-protocol",
            "entente-bootstrap", "entente-agent-", "entente-testkit", "/testkit/target/", "entente-options", "/options/target/", "/io/grpc/", "/io/netty/", "/com/google/", "/net/bytebuddy/", "/org/apache/ratis/",
            "/io/perfmark/", "/org/checkerframework/", "/com/fasterxml/", "/org/apache/kafka/");
    /**
     * Libraries only the applications that ask for them have ({@link #runWithLibraries}): every other
     * application shows the agent working without them. (Micrometer's observation API stays: Spring needs it.)
     */
    public static final List<String> MICROMETER = List.of("/io/micrometer/micrometer-core/", "/org/hdrhistogram/",
            "/org/latencyutils/");
    public static final List<String> OPENTELEMETRY = List.of("/io/opentelemetry/");

    /**
     * How long a service's JVM may take to print its ready line: 2 minutes, as {@code CoordinatorProcess} waits,
     * since a JVM has taken over a minute to start on a loaded 2-core machine.
     */
    private static final Duration START_WAIT = Duration.ofSeconds(120);

    private final JvmProcess process;
    private final int port;

    private ServiceProcess(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code mainClass} with {@code agentArguments}; the service's port is its first argument. */
    public static ServiceProcess start(Path workDir, String name, String agentArguments, Class<?> mainClass, String... args) {
        return start(workDir, name, List.of(), agentArguments, applicationClassPath(), mainClass, args);
    }

    /** Like {@link #start}, the JVM started with {@code jvmOptions} too (system properties, say). */
    public static ServiceProcess startWithOptions(Path workDir, String name, List<String> jvmOptions, String agentArguments,
                                                  Class<?> mainClass, String... args) {
        return start(workDir, name, jvmOptions, agentArguments, applicationClassPath(), mainClass, args);
    }

    /**
     * Like {@link #start}, with the jars in {@code libraries} on the class path too: libraries the
     * application ships itself, at versions of its own.
     */
    public static ServiceProcess startWithLibraries(Path workDir, String name, String agentArguments, Path libraries,
                                                    Class<?> mainClass, String... args) {
        String classPath;
        try (Stream<Path> jars = Files.list(libraries)) {
            classPath = Stream.concat(Stream.of(applicationClassPath()), jars.filter(jar -> jar.toString().endsWith(".jar"))
                    .map(Path::toString).sorted()).collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the application's libraries in " + libraries, e);
        }
        return start(workDir, name, List.of(), agentArguments, classPath, mainClass, args);
    }

    /**
     * Like {@link #start}, for an application whose HTTP server or client is {@code httpLibrary} (a name of
     * {@code HttpApp} or {@code HttpCaller}): with the libraries such an application ships itself where the test
     * class path cannot give them: grpc-java of its own for {@code grpc} (the isolation test's), the Netty of
     * Reactor Netty for {@code webflux...} and {@code webclient...}.
     */
    public static ServiceProcess startUsing(String httpLibrary, Path workDir, String name, String agentArguments,
                                            Class<?> mainClass, String... args) {
        String libraries = httpLibrary.equals("grpc") ? "entente.isolation-app.libraries"
                : httpLibrary.startsWith("webflux") || httpLibrary.startsWith("webclient") ? "entente.webflux-app.libraries"
                : null;
        return libraries == null ? start(workDir, name, agentArguments, mainClass, args)
                : startWithLibraries(workDir, name, agentArguments, Path.of(System.getProperty(libraries)), mainClass, args);
    }

    private static ServiceProcess start(Path workDir, String name, List<String> jvmOptions, String agentArguments,
                                        String classPath, Class<?> mainClass, String... args) {
        int port = FreePorts.next();
        List<String> arguments = new ArrayList<>(List.of(String.valueOf(port)));
        arguments.addAll(Arrays.asList(args));
        JvmProcess process = new JvmProcess(name, command(jvmOptions, agentArguments, classPath, mainClass, arguments),
                workDir.resolve(name + ".log"), "ready on ");
        process.start(START_WAIT);
        return new ServiceProcess(process, port);
    }

    /**
     * Runs {@code mainClass} to its end, with the agent if {@code agentArguments} is not null; the main
     * class prints {@code done} when it is through.
     *
     * @return everything the program printed
     */
    public static String run(Path workDir, String name, String agentArguments, Class<?> mainClass, String... args) {
        return runOn(Path.of(System.getProperty("java.home")), workDir, name, agentArguments, mainClass, args);
    }

    /** Like {@link #run}, on the JDK in {@code javaHome}. */
    public static String runOn(Path javaHome, Path workDir, String name, String agentArguments, Class<?> mainClass,
                               String... args) {
        return runOn(javaHome, workDir, name, List.of(), agentArguments, mainClass, args);
    }

    /** Like {@link #runOn}, the JVM started with {@code jvmOptions} (before the agent's) too. */
    public static String runOn(Path javaHome, Path workDir, String name, List<String> jvmOptions, String agentArguments,
                               Class<?> mainClass, String... args) {
        return run(javaHome, workDir, name, jvmOptions, null, agentArguments, mainClass, args);
    }

    /**
     * Like {@link #run}, the JVM started with {@code jvmOptions} too and with exactly the environment
     * variables in {@code environment} (PATH aside).
     */
    public static String runWith(Path workDir, String name, List<String> jvmOptions, Map<String, String> environment,
                                 String agentArguments, Class<?> mainClass, String... args) {
        return run(Path.of(System.getProperty("java.home")), workDir, name, jvmOptions, environment, agentArguments, mainClass, args);
    }

    /**
     * Like {@link #run}, with the libraries of this test's class path whose entries contain one of
     * {@code libraries} (as {@link #MICROMETER}) on the application's class path too.
     */
    public static String runWithLibraries(Path workDir, String name, String agentArguments, List<String> libraries,
                                          Class<?> mainClass, String... args) {
        String classPath = Stream.concat(Stream.of(applicationClassPath()), testClassPath()
                .filter(entry -> libraries.stream().anyMatch(entry::contains))).collect(Collectors.joining(File.pathSeparator));
        return run(Path.of(System.getProperty("java.home")), workDir, name, List.of(), null, agentArguments, classPath,
                mainClass, args);
    }

    private static String run(Path javaHome, Path workDir, String name, List<String> jvmOptions, Map<String, String> environment,
                              String agentArguments, Class<?> mainClass, String... args) {
        return run(javaHome, workDir, name, jvmOptions, environment, agentArguments, applicationClassPath(), mainClass, args);
    }

    private static String run(Path javaHome, Path workDir, String name, List<String> jvmOptions, Map<String, String> environment,
                              String agentArguments, String classPath, Class<?> mainClass, String... args) {
        try (JvmProcess process = new JvmProcess(name, command(jvmOptions, agentArguments, classPath, mainClass,
                Arrays.asList(args)), workDir.resolve(name + ".log"), "done").withJavaHome(javaHome)) {
            if (environment != null) {
                process.withEnvironment(environment);
            }
            process.start(Duration.ofSeconds(120));
            return process.log();
        }
    }

    private static List<String> command(List<String> jvmOptions, String agentArguments, String classPath, Class<?> mainClass,
                                        List<String> args) {
        List<String> command = new ArrayList<>(List.of("-Xmx256m"));
        command.addAll(jvmOptions);
        if (agentArguments != null) {
            command.add("-javaagent:" + agentJar() + "=" + agentArguments);
        }
        command.addAll(List.of("-cp", classPath, mainClass.getName()));
        command.addAll(args);
        return command;
    }

    public static String agentJar() {
        String jar = System.getProperty("entente.agent.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("the agent jar is not built: system property entente.agent.jar = " + jar
                    + " (run mvn package first)");
        }
        return jar;
    }

    static String applicationClassPath() {
        return testClassPath().filter(entry -> NOT_THE_APPLICATIONS.stream().noneMatch(entry::contains))
                .filter(entry -> Stream.of(MICROMETER, OPENTELEMETRY).flatMap(List::stream).noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Stream<String> testClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** POSTs to {@code pathAndQuery}; the response. */
    public HttpResponse<String> post(String pathAndQuery) throws Exception {
        return postAsync(pathAndQuery).get();
    }

    public void kill9() {
        process.kill9();
    }

    /** Starts the service again (after {@link #kill9}) with the same command, on the same port. */
    public void restart() {
        process.start(START_WAIT);
    }

    /** Sends {@link #post} without waiting for the answer. */
    public java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String pathAndQuery) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
