package dev.entente.bench.twoservices;

import dev.entente.bench.AccountTable;
import dev.entente.bench.ClosedLoop;
import dev.entente.bench.Comparison;
import dev.entente.bench.LoadOptions;
import dev.entente.bench.Measurement;
import dev.entente.bench.Options;
import dev.entente.bench.WorkloadJvm;
import dev.entente.options.OptionTable;
import dev.entente.testkit.CoordinatorProcess;
import dev.entente.testkit.FreePorts;
import dev.entente.testkit.JvmProcess;
import dev.entente.testkit.PrometheusText;
import dev.entente.testkit.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Row 3: two services, two databases, over HTTP (the sample shop's shape). Clients call the front
 * service ({@link CreditService} on PostgreSQL), which credits a row and calls the second service
 * (MariaDB), which credits one too. Both services run in fresh JVMs for every run of every variant:
 * without the agent (no global transaction), and with the agent in both (the front's
 * {@code @GlobalTransactional} begins a global transaction on a --dev coordinator node, the second
 * joins it). The clients are threads of this JVM, timing each request from send to answer.
 */
public final class TwoServicesBench {

    public static final OptionTable OPTIONS = OptionTable.commandLineOnly(LoadOptions.options(LoadOptions.CLIENTS));

    private enum Variant {
        NO_GLOBAL_TRANSACTION("no global transaction"),
        ENTENTE("Entente (agent in both)");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /**
     * The JDK's HTTP server writes a reply's headers and body apart; without TCP_NODELAY, Nagle's
     * algorithm holds the body back until the client's delayed ACK (about 40 ms) on every call.
     */
    private static final String NO_DELAY = "-Dsun.net.httpserver.nodelay=true";

    private final Options options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    public TwoServicesBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        LoadOptions load = LoadOptions.of(options, LoadOptions.CLIENTS);
        String agentJar = WorkloadJvm.agentJar();
        String postgresUrl = TestDatabases.postgres().createDatabase("entente_bench_front_pg");
        String mariadbUrl = TestDatabases.mariadb().createDatabase("entente_bench_back_maria");
        for (String url : new String[] {postgresUrl, mariadbUrl}) {
            try (Connection connection = DriverManager.getConnection(url)) {
                AccountTable.prepare(connection);
            }
        }
        out.printf("two services, two databases over HTTP: client -> front (%s) -> second service (%s), one row credited in each, "
                + "%s%n", TestDatabases.postgres(), TestDatabases.mariadb(), load.describe());
        Comparison<Variant> comparison = new Comparison<>(out, List.of(Variant.values()), variant -> variant.label);
        try (CoordinatorProcess coordinator = CoordinatorProcess.dev(load.work().resolve("coordinator")).start().awaitServing()) {
            String agent = "-javaagent:" + agentJar + "=coordinator=" + coordinator.clientAddress() + ",app=";
            comparison.run(load.runs(), variant -> measure(load, name -> variant == Variant.ENTENTE ? List.of(agent + name) : List.of(),
                    postgresUrl, mariadbUrl, coordinator));
        }
        comparison.report("two services, two databases");
    }

    /**
     * Starts the two services (each with the JVM options {@code jvmOptions} gives its name), loads the
     * front, and stops both once the coordinator has finished every transaction: a service stopped
     * before its phase 2 would leave prepared branches holding row locks into the next run.
     */
    private Measurement measure(LoadOptions load, Function<String, List<String>> jvmOptions, String postgresUrl, String mariadbUrl,
                                CoordinatorProcess coordinator) throws InterruptedException {
        int secondPort = FreePorts.next();
        int frontPort = FreePorts.next();
        try (JvmProcess second = service(load.work(), "bench-second", jvmOptions, secondPort, mariadbUrl, "");
             JvmProcess front = service(load.work(), "bench-front", jvmOptions, frontPort, postgresUrl, "http://127.0.0.1:" + secondPort)) {
            second.start(Duration.ofSeconds(120));
            front.start(Duration.ofSeconds(120));
            URI credit = URI.create("http://127.0.0.1:" + frontPort + "/credit");
            Measurement measured = ClosedLoop.run(load.clients(), load.warmup(), load.window(), () -> call(credit));
            awaitAllFinished(coordinator);
            return measured;
        }
    }

    private void awaitAllFinished(CoordinatorProcess coordinator) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String metrics = coordinator.admin("/metrics");
            long unfinished = PrometheusText.value(metrics, "entente_transactions_in_flight")
                    + PrometheusText.value(metrics, "entente_transactions_in_doubt");
            if (unfinished == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                out.printf("  %d transactions still unfinished 120 s after the run; the services stop anyway%n", unfinished);
                return;
            }
            Thread.sleep(100);
        }
    }

    private static JvmProcess service(Path work, String name, Function<String, List<String>> jvmOptions, int port, String database,
                                      String next) {
        List<String> options = new ArrayList<>(jvmOptions.apply(name));
        options.add(NO_DELAY);
        return WorkloadJvm.service(name, options, CreditService.class, work.resolve(name + ".log"), CreditService.READY,
                "--name", name, "--port", String.valueOf(port), "--database", database, "--next", next);
    }

    private void call(URI credit) throws IOException, InterruptedException {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(credit).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IllegalStateException("the front service answered " + reply.statusCode() + ": " + reply.body().strip());
        }
    }
}
