package dev.entente.spring.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One instance of the test shop (spring-boot-apps) on one Spring Boot version, started as its own JVM with the
 * agent attached without arguments (or without the agent): its Entente settings are in an {@code application.yml} of its own, written
 * here and added to the shop's ({@code spring.config.additional-location}).
 */
final class BootApplication implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JvmProcess process;
    private final int port;

    private BootApplication(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the shop built on Boot {@code boot} ({@code 3} or {@code 4}) as {@code name}, with {@code yaml} as the
     * instance's own configuration.
     */
    static BootApplication start(Path work, String name, int boot, String yaml) {
        return start(work, name, boot, yaml, List.of("-javaagent:" + System.getProperty("entente.agent.jar")));
    }

    /** Like {@link #start}, without the agent: as a user who forgot {@code -javaagent} would. */
    static BootApplication startWithoutAgent(Path work, String name, int boot, String yaml) {
        return start(work, name, boot, yaml, List.of());
    }

    private static BootApplication start(Path work, String name, int boot, String yaml, List<String> agent) {
        Path target = Path.of(System.getProperty("entente.shop.boot" + boot));
        Path config = work.resolve(name);
        int port = FreePorts.next();
        try {
            Files.createDirectories(config);
            Files.writeString(config.resolve("application.yml"), yaml);
            String classPath = target.resolve("entente-shop-boot" + boot + ".jar") + File.pathSeparator
                    + Files.readString(target.resolve("classpath.txt")).trim();
            List<String> command = new ArrayList<>(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));
            command.addAll(agent);
            command.addAll(List.of("-cp", classPath, "dev.entente.shop.ShopApplication", "--server.port=" + port,
                    "--spring.config.additional-location=file:" + config + "/"));
            JvmProcess process = new JvmProcess(name, command, work.resolve(name + ".log"), "Started ShopApplication");
            process.start(Duration.ofSeconds(120));
            return new BootApplication(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON Actuator answers at {@code path} (whatever its status: DOWN is 503). */
    JsonNode actuator(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/" + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** The measurements of meter {@code name} ({@code /actuator/metrics/NAME}), by statistic: COUNT, TOTAL_TIME, VALUE ... */
    Map<String, Double> meter(String name) throws IOException, InterruptedException {
        JsonNode meter = actuator("metrics/" + name);
        if (!meter.has("measurements")) {
            throw new AssertionError("no meter " + name + " at " + baseUrl() + ": " + meter);
        }
        Map<String, Double> values = new java.util.TreeMap<>();
        meter.get("measurements").forEach(m -> values.put(m.get("statistic").asText(), m.get("value").asDouble()));
        return values;
    }

    String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    static String yaml(Map<String, String> properties) {
        return properties.entrySet().stream().map(p -> p.getKey() + ": \"" + p.getValue() + "\"").collect(Collectors.joining("\n", "", "\n"));
    }
}
