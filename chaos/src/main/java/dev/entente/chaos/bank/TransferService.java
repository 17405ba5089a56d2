package dev.entente.chaos.bank;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactionException;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.Publish;
import dev.entente.samples.shop.Arguments;
import dev.entente.samples.shop.Refused;
import dev.entente.samples.shop.Sql;
import dev.entente.samples.shop.Web;
import dev.entente.samples.shop.Pools;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The bank's front: moves money between an account on one side and an account on the other as one
 * global transaction (this service is its TM), calling the two account services over HTTP, in the
 * order asked (credit first or debit first). Answers what it knows of the outcome, with the XID:
 * {@code 200 committed XID}, {@code 409 rolled back XID: reason} (the transaction was never asked to
 * commit, or the coordinator answered that it rolled back), or {@code 503 unknown XID: reason} (the
 * commit was asked and no outcome came back). Every transfer publishes a {@link TransferEvent} to
 * {@link #EVENTS_TOPIC} ({@code @Publish}): once if it commits, never if it rolls back. After both
 * calls it records the transfer in its own journal database ({@code journal(transfer_id, xid)}), so
 * the TM has a branch of its own: the one its RM prepares at the commit and finishes right after the
 * decision.
 */
public final class TransferService {

    /** The Kafka topic of the transfer events, keyed by transfer id. */
    public static final String EVENTS_TOPIC = "bank.transfers";

    private final Map<String, String> sides;
    private final DataSource journal;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * @param sides   side name ({@code pg}, {@code maria}) to that account service's base URL
     * @param journal the transfer service's own database
     */
    TransferService(Map<String, String> sides, DataSource journal) {
        this.sides = sides;
        this.journal = journal;
    }

    /** One transfer request as the client sent it; {@code from}/{@code to} are {@code side:account}. */
    record Request(String id, String from, String to, int amount, boolean creditFirst) {
    }

    /** What a committed transfer tells the rest of the bank. */
    public record TransferEvent(String id, String xid, String from, String to, int amount) {
    }

    String transfer(Request request) {
        AtomicReference<String> xid = new AtomicReference<>();
        try {
            move(request, xid);
            return "committed " + xid.get();
        } catch (GlobalTransactionException e) {
            if (xid.get() == null) {
                throw new Refused(409, "rolled back -: " + request.id() + " never began: " + e.getMessage());
            }
            throw new Refused(503, "unknown " + xid.get() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // every other failure left the transaction without a commit request: it rolled back
            throw new Refused(409, "rolled back " + (xid.get() == null ? "-" : xid.get()) + ": " + e.getMessage());
        }
    }

    @GlobalTransactional(name = "transfer", timeoutMillis = 10_000, rollbackFor = Exception.class)
    @Publish(topic = EVENTS_TOPIC, key = "{result.id}")
    public TransferEvent move(Request request, AtomicReference<String> xid) {
        xid.set(GlobalTransaction.currentXid().orElseThrow());
        if (request.creditFirst()) {
            call(request.to(), "/credit", request);
            call(request.from(), "/debit", request);
        } else {
            call(request.from(), "/debit", request);
            call(request.to(), "/credit", request);
        }
        record(request.id(), xid.get());
        return new TransferEvent(request.id(), xid.get(), request.from(), request.to(), request.amount());
    }

    /** The journal row of a transfer, written in its global transaction. */
    private void record(String transfer, String xid) {
        try (Connection connection = journal.getConnection()) {
            connection.setAutoCommit(false);
            Sql.update(connection, "insert into journal (transfer_id, xid) values (?, ?)", transfer, xid);
            connection.commit();
        } catch (SQLException e) {
            throw new Refused(500, "journal of " + transfer + ": " + e.getMessage());
        }
    }

    private void call(String sideAndAccount, String path, Request request) {
        String side = sideAndAccount.substring(0, sideAndAccount.indexOf(':'));
        String account = sideAndAccount.substring(side.length() + 1);
        String base = sides.get(side);
        if (base == null) {
            throw new Refused(400, "transfer " + request.id() + " names unknown side '" + side + "'; known: " + sides.keySet());
        }
        String url = base + path + "?transfer=" + encode(request.id()) + "&account=" + encode(account) + "&amount=" + request.amount();
        HttpResponse<String> reply;
        try {
            reply = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(8))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused(502, side + path + " unreachable for " + request.id() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(502, side + path + " interrupted for " + request.id());
        }
        if (reply.statusCode() != 200) {
            throw new Refused(reply.statusCode(), side + path + ": " + reply.body().strip());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        Arguments options = new Arguments("transfer",
                "TransferService --port P --pg http://host:port --maria http://host:port --journal JDBC_URL", args);
        TransferService service = new TransferService(Map.of("pg", options.get("pg"), "maria", options.get("maria")),
                Pools.open("transfers", options.get("journal")));
        new Web(options.port())
                .route("/transfer", q -> service.transfer(new Request(Web.required(q, "id"), Web.required(q, "from"),
                        Web.required(q, "to"), Web.positive(q, "amount"), "credit".equals(q.get("first")))))
                .start("transfer");
    }
}
