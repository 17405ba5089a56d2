package dev.entente.sandbox;

import dev.entente.options.InvalidOption;
import dev.entente.options.OptionTable;
import dev.entente.sandbox.ConsistencyChecks.Check;
import dev.entente.sandbox.OrderLoad.Outcome;
import dev.entente.sandbox.OrderLoad.Result;
import dev.entente.testkit.FreePorts;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bin/entente demo}: the sample shop on the sandbox. Places orders at the order service (some
 * meant to be refused: scarce items, customers who cannot pay), optionally crashing services meanwhile,
 * then checks from the databases that every order committed everywhere or nowhere, and from Kafka that
 * each committed order, and no other, was published once.
 */
public final class Demo {

    private final DemoOptions options;
    private final PrintStream out;

    Demo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the demo; true if every check passed. */
    boolean run() throws Exception {
        Path work = options.work() != null ? options.work() : Files.createTempDirectory("entente-demo");
        out.printf("Entente demo: %d orders, %d at a time%s (logs in %s)%n", options.orders(), options.concurrency(),
                options.chaos() ? ", with services crashing (--chaos)" : "", work);
        try (Sandbox sandbox = Sandbox.start(work, out)) {
            ShopDatabases databases = new ShopDatabases(sandbox.postgres(), sandbox.mariadb(), sandbox.clusterId());
            String coordinator = options.misconfigured() ? "127.0.0.1:" + FreePorts.next() : sandbox.coordinatorAddress();
            if (options.misconfigured()) {
                out.println("the services are given a wrong coordinator address (" + coordinator + "), as asked");
            }
            out.println("starting the order, inventory and payment" + (options.springBoot() ? " (Spring Boot)" : "")
                    + " services with the Entente agent...");
            try (ShopServices services = new ShopServices(work, coordinator, sandbox.zookeeperAddress(), sandbox.kafkaAddress(),
                    databases, options.springBoot())) {
                out.println("placing orders:");
                long start = System.nanoTime();
                OrderLoad load = new OrderLoad(services.orderUrl, options.seed());
                List<Result> results;
                int crashes = 0;
                if (options.chaos()) {
                    Chaos chaos = new Chaos(List.of(services.inventory, services.payment), options.seed(), load::committed, out).start();
                    try {
                        results = load.place(options.orders(), options.concurrency(), out);
                    } finally {
                        chaos.close();
                    }
                    crashes = chaos.crashes();
                } else {
                    results = load.place(options.orders(), options.concurrency(), out);
                }
                long elapsed = System.nanoTime() - start;
                awaitNoPreparedBranches(databases);
                awaitPublished(sandbox);
                report(results, elapsed, crashes);
                return checks(ConsistencyChecks.run(databases, OrderEvents.read(sandbox.kafkaAddress()), results, options.chaos()));
            }
        }
    }

    /** Phase 2 and recovery finish in the background: give them time (bounded) before checking. */
    private void awaitNoPreparedBranches(ShopDatabases databases) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        boolean said = false;
        while (!databases.preparedBranches().isEmpty() && System.nanoTime() < deadline) {
            if (!said) {
                out.println("waiting for phase 2 and recovery to finish the prepared branches...");
                said = true;
            }
            Thread.sleep(250);
        }
    }

    /** The coordinator publishes after each commit decision, in the background: wait (bounded) until it is done. */
    private void awaitPublished(Sandbox sandbox) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean said = false;
        while (sandbox.publishBacklog() > 0 && System.nanoTime() < deadline) {
            if (!said) {
                out.println("waiting for the coordinator to publish the last OrderPlaced events...");
                said = true;
            }
            Thread.sleep(250);
        }
    }

    private void report(List<Result> results, long elapsedNanos, int crashes) {
        long committed = count(results, Outcome.COMMITTED);
        long outOfStock = results.stream().filter(r -> r.status() == 409).count();
        long balanceShort = results.stream().filter(r -> r.status() == 402).count();
        long failed = count(results, Outcome.FAILED);
        double seconds = elapsedNanos / 1e9;
        long[] latencies = results.stream().mapToLong(Result::nanos).sorted().toArray();
        out.println();
        out.println("Results");
        out.printf("  committed                %d%n", committed);
        out.printf("  refused, rolled back     %d (out of stock %d, balance short %d)%n", outOfStock + balanceShort, outOfStock,
                balanceShort);
        out.printf("  failed                   %d%n", failed);
        results.stream().filter(r -> r.outcome() == Outcome.FAILED)
                .collect(Collectors.groupingBy(r -> (r.status() == 0 ? "no answer: " : "HTTP " + r.status() + ": ") + r.reply(),
                        TreeMap::new, Collectors.counting()))
                .forEach((reason, times) -> out.printf("    %5d x %s%n", times, reason));
        out.printf("  throughput               %.1f orders/s (%d in %.1f s)%n", results.size() / seconds, results.size(), seconds);
        out.printf("  latency                  p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n", millis(latencies, 0.50),
                millis(latencies, 0.95), millis(latencies, 0.99), millis(latencies, 1.0));
        if (options.chaos()) {
            out.printf("  crashes injected         %d%n", crashes);
        }
    }

    private boolean checks(List<Check> checks) {
        out.println();
        out.println("Consistency (read back from the databases and the " + Sandbox.ORDERS_TOPIC + " topic)");
        long failed = 0;
        for (Check check : checks) {
            out.printf("  [%s] %s: %s%n", check.passed() ? " ok " : "FAIL", check.name(), check.detail());
            failed += check.passed() ? 0 : 1;
        }
        out.println();
        out.println(failed == 0 ? "all " + checks.size() + " checks passed"
                : "CHECKS FAILED: " + failed + " of " + checks.size());
        return failed == 0;
    }

    private static long count(List<Result> results, Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    private static long millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return TimeUnit.NANOSECONDS.toMillis(sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
    }

    public static void main(String[] args) throws Exception {
        if (OptionTable.asksForHelp(args)) {
            System.out.print(DemoOptions.USAGE);
            System.exit(0);
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.getenv());
        } catch (InvalidOption e) {
            System.err.println("entente demo: " + e.getMessage());
            System.err.print(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        boolean passed;
        try {
            passed = new Demo(options, System.out).run();
        } catch (Exception e) {
            System.out.println("the demo could not run: " + e.getMessage());
            passed = false;
        }
        System.exit(passed ? 0 : 1);
    }
}
