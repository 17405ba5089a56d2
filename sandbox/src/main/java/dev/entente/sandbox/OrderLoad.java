package dev.entente.sandbox;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places the demo's orders at the order service, {@code concurrency} at a time, and records what each
 * one came to: committed (200), refused by the shop (409 out of stock, 402 balance short: rolled
 * back), or failed (anything else: a crashed service, a misconfiguration).
 */
final class OrderLoad {

    enum Outcome { COMMITTED, REFUSED, FAILED }

    record Result(String order, Outcome outcome, int status, String reply, long nanos) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String orderUrl;
    private final Random random;
    private final String run;
    private final AtomicInteger committed = new AtomicInteger();

    OrderLoad(String orderUrl, long seed) {
        this.orderUrl = orderUrl;
        this.random = new Random(seed);
        this.run = Long.toString(seed, 36);
    }

    List<Result> place(int orders, int concurrency, PrintStream progress) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (int i = 1; i <= orders; i++) {
            requests.add(nextOrder(i));
        }
        AtomicInteger done = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (String request : requests) {
            clients.execute(() -> {
                Result result = placeOne(request);
                if (result.outcome() == Outcome.COMMITTED) {
                    committed.incrementAndGet();
                }
                synchronized (results) {
                    results.add(result);
                }
                done.incrementAndGet();
            });
        }
        clients.shutdown();
        while (!clients.awaitTermination(1, TimeUnit.SECONDS)) {
            synchronized (results) {
                progress.println(progressLine(results, orders, System.nanoTime() - start));
            }
        }
        progress.println(progressLine(results, orders, System.nanoTime() - start));
        return results;
    }

    /** Orders committed so far (answered 200). */
    long committed() {
        return committed.get();
    }

    private String nextOrder(int number) {
        String customer = String.format("customer-%02d", 1 + random.nextInt(23));
        String sku = String.format("sku-%02d", 1 + random.nextInt(10));
        int quantity = 1 + random.nextInt(3);
        return "id=order-" + run + "-" + number + "&customer=" + customer + "&sku=" + sku + "&quantity=" + quantity;
    }

    private Result placeOne(String query) {
        String order = query.substring(3, query.indexOf('&'));
        long start = System.nanoTime();
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(orderUrl + "/order?" + query))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            Outcome outcome = switch (reply.statusCode()) {
                case 200 -> Outcome.COMMITTED;
                case 402, 409 -> Outcome.REFUSED;
                default -> Outcome.FAILED;
            };
            return new Result(order, outcome, reply.statusCode(), reply.body().strip(), System.nanoTime() - start);
        } catch (Exception e) {
            return new Result(order, Outcome.FAILED, 0, e.getClass().getSimpleName() + ": " + e.getMessage(),
                    System.nanoTime() - start);
        } finally {
            Thread.interrupted(); // a client thread is reused: leave no interrupt behind
        }
    }

    private static String progressLine(List<Result> results, int orders, long nanos) {
        long committed = results.stream().filter(r -> r.outcome() == Outcome.COMMITTED).count();
        long refused = results.stream().filter(r -> r.outcome() == Outcome.REFUSED).count();
        long failed = results.size() - committed - refused;
        return String.format("  [%3ds] %d/%d orders: %d committed, %d refused (rolled back), %d failed",
                TimeUnit.NANOSECONDS.toSeconds(nanos), results.size(), orders, committed, refused, failed);
    }
}
