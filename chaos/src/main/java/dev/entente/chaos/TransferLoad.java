package dev.entente.chaos;

import dev.entente.chaos.Transfer.Outcome;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bank's clients: {@code concurrency} threads sending transfers between a random account on one
 * side and one on the other (random amounts, so some are refused for a short balance; half credit
 * first) to the transfer service until the workload time is over, recording what each was told. Every
 * {@link #DOOMED_EVERY}th transfer asks for more than a whole side holds and credits first: its debit
 * is refused after the credit's branch has prepared, so every run, whatever its faults, rolls back
 * transactions over a prepared participant.
 */
final class TransferLoad {

    private static final List<String> SIDES = List.of("pg", "maria");
    static final int DOOMED_EVERY = 5;
    /** More than the bank's money on both sides together: no balance ever covers it. */
    private static final int DOOMED_AMOUNT = 2 * BankDatabases.ACCOUNTS * BankDatabases.OPENING_BALANCE + 1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String transferUrl;
    private final String run;
    private final Random random;
    private final AtomicInteger numbers = new AtomicInteger();
    private final List<Transfer> transfers = new ArrayList<>();

    TransferLoad(String transferUrl, String run, long seed) {
        this.transferUrl = transferUrl;
        this.run = run;
        this.random = new Random(seed);
    }

    /** The start of the id of every transfer sent for {@code run}. */
    static String idPrefix(String run) {
        return "t-" + run + "-";
    }

    /** Runs the clients for {@code duration}; returns every transfer sent. */
    List<Transfer> run(int concurrency, Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end) {
                    Transfer transfer = send(next());
                    synchronized (transfers) {
                        transfers.add(transfer);
                    }
                }
            }, "bank-client-" + i);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        synchronized (transfers) {
            return List.copyOf(transfers);
        }
    }

    private Transfer next() {
        synchronized (random) {
            int fromSide = random.nextInt(2);
            String from = SIDES.get(fromSide) + ":" + BankDatabases.account(random.nextInt(BankDatabases.ACCOUNTS));
            String to = SIDES.get(1 - fromSide) + ":" + BankDatabases.account(random.nextInt(BankDatabases.ACCOUNTS));
            int number = numbers.incrementAndGet();
            boolean doomed = number % DOOMED_EVERY == 0;
            return new Transfer(idPrefix(run) + number, from, to, doomed ? DOOMED_AMOUNT : 1 + random.nextInt(40),
                    doomed || random.nextBoolean(), null, null, null);
        }
    }

    private Transfer send(Transfer transfer) {
        String query = "id=" + transfer.id() + "&from=" + transfer.from() + "&to=" + transfer.to() + "&amount="
                + transfer.amount() + "&first=" + (transfer.creditFirst() ? "credit" : "debit");
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(transferUrl + "/transfer?" + query))
                    .timeout(Duration.ofSeconds(40)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = reply.body().strip();
            return switch (reply.statusCode()) {
                case 200 -> told(transfer, Outcome.COMMITTED, word(body, 1), body);
                case 409 -> told(transfer, Outcome.ROLLED_BACK, word(body, 2), body);
                default -> told(transfer, Outcome.UNKNOWN, reply.statusCode() == 503 ? word(body, 1) : null,
                        "HTTP " + reply.statusCode() + ": " + body);
            };
        } catch (ConnectException notDelivered) {
            pause(100); // the transfer service is down: it never saw this transfer
            return told(transfer, Outcome.ROLLED_BACK, null, "not delivered: " + notDelivered);
        } catch (Exception e) {
            return told(transfer, Outcome.UNKNOWN, null, "no answer: " + e);
        } finally {
            Thread.interrupted();
        }
    }

    /** The {@code index}-th word of {@code body} (the XID in the service's replies), without a trailing colon. */
    private static String word(String body, int index) {
        String[] words = body.split(" ");
        if (words.length <= index) {
            return null;
        }
        String word = words[index].endsWith(":") ? words[index].substring(0, words[index].length() - 1) : words[index];
        return word.equals("-") ? null : word;
    }

    private static Transfer told(Transfer sent, Outcome outcome, String xid, String detail) {
        return new Transfer(sent.id(), sent.from(), sent.to(), sent.amount(), sent.creditFirst(), outcome, xid, detail);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
