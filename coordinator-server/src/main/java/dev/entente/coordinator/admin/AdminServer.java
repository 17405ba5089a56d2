package dev.entente.coordinator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.entente.coordinator.backup.LeaderSnapshots;
import dev.entente.coordinator.health.Readiness;
import dev.entente.coordinator.txn.Rejection;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.Xids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The coordinator's admin HTTP port (HTTPS with the node's certificate when the node has TLS material; it
 * binds loopback unless {@code --admin-host} says otherwise). Open to whoever reaches it: the console's
 * files ({@code GET /}) and the probes {@code GET /health/live} and {@code GET /health/ready} (200 or 503,
 * with the reason; {@link Readiness}), as probes carry no credentials. The read-only views
 * {@code GET /cluster}, {@code GET /transactions}, {@code GET /transactions/XID} (JSON) and
 * {@code GET /metrics} (Prometheus text) need the read token or the admin token ({@link ViewAccess}).
 * {@code POST /transactions/XID/resolve} changes a transaction's fate (or drops its messages Kafka refused) and {@code POST /cluster/snapshot}
 * (on the leader) answers a snapshot of the transaction table just taken, its cluster id, term, log index
 * and MD5 in {@code Entente-Snapshot-*} headers; both need the admin token ({@link AdminCredential}). Optionally {@code GET /metrics} also has a listener of its own, without a
 * credential, for scrapers ({@code --metrics-port}).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSACTIONS = "/transactions/";
    private static final String RESOLVE = "/resolve";
    private static final String SNAPSHOT = "/cluster/snapshot";
    private static final String MEMBERS = "/cluster/members";
    private static final int MAX_BODY_BYTES = 1024;
    private static final long ANSWER_SECONDS = 15;
    /**
     * The JDK's HTTP server reads a request on one of the port's few threads and, by default, waits for
     * it forever: a handful of clients that send half a request would block the port. This bounds the
     * time a request may take to arrive (seconds); it must be set before the first server is created.
     */
    private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

    static {
        System.getProperties().putIfAbsent(MAX_REQUEST_SECONDS, "10");
    }

    private static final Map<String, String> CONSOLE = Map.of(
            "/", "index.html", "/console.js", "console.js", "/console.css", "console.css");

    /** What the endpoints show and do, read at request time. */
    public interface Views {
        Map<String, Object> cluster();

        CompletableFuture<List<Map<String, Object>>> transactions();

        /** One transaction: undecided, in doubt, or recently finished; empty if unknown. */
        CompletableFuture<Optional<Map<String, Object>>> transaction(String xid);

        CompletableFuture<Map<String, Object>> resolve(String xid, Outcome outcome);

        /** Drops the messages of committed {@code xid} that Kafka refused for good; its others are published. */
        CompletableFuture<Map<String, Object>> dropRefused(String xid);

        /** A snapshot of the transaction table, taken now; on the leader only. */
        LeaderSnapshots.Taken snapshot();

        /** Adds the node {@code entry} ({@code id=host:port}) to the Raft group's members; on the leader only. */
        Map<String, Object> addMember(String entry);

        /** Removes node {@code id} from the Raft group's members; on the leader only. */
        Map<String, Object> removeMember(String id);

        String metrics();

        Optional<String> leaderAdminAddress();
    }

    /** An answer: status, content type, body, and headers of its own. */
    private record Answer(int status, String type, byte[] body, Map<String, String> headers) {
        Answer(int status, String type, byte[] body) {
            this(status, type, body, Map.of());
        }

        static Answer json(int status, Object value) {
            return new Answer(status, "application/json", AdminServer.json(value).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpServer server;
    private final Optional<HttpServer> metricsServer;
    private final Views views;
    private final Readiness readiness;
    private final AdminCredential credential;
    private final ViewAccess viewAccess;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "entente-admin-http");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * The admin port at {@code address} and, if {@code metricsAddress} is given, the metrics listener there;
     * both speak HTTPS with {@code tls} when given.
     */
    public AdminServer(InetSocketAddress address, Optional<InetSocketAddress> metricsAddress, Optional<SSLContext> tls,
                       Views views, Readiness readiness, AdminCredential credential, ViewAccess viewAccess) throws IOException {
        this.views = views;
        this.readiness = readiness;
        this.credential = credential;
        this.viewAccess = viewAccess;
        this.server = listen(address, tls, this::handle);
        try {
            this.metricsServer = metricsAddress.isEmpty() ? Optional.empty()
                    : Optional.of(listen(metricsAddress.get(), tls, this::handleMetrics));
        } catch (IOException e) {
            server.stop(0);
            throw e;
        }
    }

    private HttpServer listen(InetSocketAddress address, Optional<SSLContext> tls, HttpHandler handler) throws IOException {
        HttpServer listener;
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            listener = https;
        } else {
            listener = HttpServer.create(address, 50);
        }
        listener.setExecutor(executor);
        listener.createContext("/", handler);
        return listener;
    }

    public void start() {
        server.start();
        metricsServer.ifPresent(HttpServer::start);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The metrics listener: {@code GET /metrics}, without a credential; nothing else. */
    private void handleMetrics(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        Answer answer;
        if (!path.equals("/metrics")) {
            answer = Answer.json(404, Map.of("error", "no such endpoint: " + path + " (this port serves /metrics only)"));
        } else if (!exchange.getRequestMethod().equals("GET")) {
            answer = Answer.json(405, Map.of("error", path + " answers GET only"));
        } else {
            try {
                answer = metrics();
            } catch (RuntimeException e) {
                LOG.warn("metrics listener: GET /metrics failed", e);
                answer = Answer.json(500, Map.of("error", String.valueOf(e)));
            }
        }
        respond(exchange, answer);
    }

    private Answer metrics() {
        return new Answer(200, "text/plain; version=0.0.4; charset=utf-8", views.metrics().getBytes(StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            answer = route(exchange);
        } catch (Rejection rejection) {
            answer = refused(rejection);
        } catch (MethodNotAllowed e) {
            answer = Answer.json(405, Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("admin {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            answer = Answer.json(500, Map.of("error", String.valueOf(e)));
        }
        respond(exchange, answer);
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (path.startsWith(TRANSACTIONS) && path.endsWith(RESOLVE)) {
            requireMethod(method, "POST", path);
            return resolve(exchange, decode(path.substring(TRANSACTIONS.length(), path.length() - RESOLVE.length())));
        }
        if (path.equals(SNAPSHOT)) {
            requireMethod(method, "POST", path);
            return adminRefusal(exchange, "snapshot").orElseGet(() -> snapshot(exchange));
        }
        if (path.equals(MEMBERS)) {
            requireMethod(method, "POST", path);
            return adminRefusal(exchange, "change of members").orElseGet(() -> changeMembers(exchange));
        }
        requireMethod(method, "GET", path);
        if (CONSOLE.containsKey(path)) {
            return console(CONSOLE.get(path));
        }
        if (path.equals("/health/live")) {
            return probe(readiness.live(), "live");
        }
        if (path.equals("/health/ready")) {
            return probe(readiness.ready(), "ready");
        }
        Optional<String> refusal = viewAccess.refusal(exchange.getRequestHeaders().getFirst("Authorization"));
        if (refusal.isPresent()) {
            return Answer.json(viewAccess.closed() ? 403 : 401, Map.of("error", path + ": " + refusal.get()));
        }
        if (path.startsWith(TRANSACTIONS)) {
            String xid = decode(path.substring(TRANSACTIONS.length()));
            return await(views.transaction(xid)).map(tx -> Answer.json(200, tx))
                    .orElseGet(() -> Answer.json(404, Map.of("error", "transaction " + xid + " is unknown: never begun, "
                            + "presumed aborted, or finished long enough ago to be forgotten")));
        }
        return switch (path) {
            case "/cluster" -> Answer.json(200, views.cluster());
            case "/transactions" -> Answer.json(200, await(views.transactions()));
            case "/metrics" -> metrics();
            default -> Answer.json(404, Map.of("error", "no such endpoint: " + path
                    + " (try /, /cluster, /transactions, /transactions/XID, /metrics, /health/live, /health/ready)"));
        };
    }

    /** 200 when the probe passes, 503 when not; the body says why either way. */
    private static Answer probe(Readiness.Verdict verdict, String state) {
        return Answer.json(verdict.ok() ? 200 : 503, Map.of("status", verdict.ok() ? state : "not " + state,
                "reason", verdict.reason()));
    }

    private Answer resolve(HttpExchange exchange, String xid) throws IOException {
        try (MDC.MDCCloseable logContext = MDC.putCloseable(Xids.LOG_KEY, xid.length() <= 80 ? xid : xid.substring(0, 80))) {
            return resolveLogged(exchange, xid);
        }
    }

    private Answer resolveLogged(HttpExchange exchange, String xid) {
        Optional<Answer> refusal = adminRefusal(exchange, "resolve " + xid);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        JsonNode request = jsonBody(exchange);
        Outcome outcome = requestedOutcome(request, xid);
        boolean dropRefused = request.path("dropRefused").asBoolean(false);
        if (dropRefused && outcome != Outcome.COMMITTED) {
            throw Rejection.invalid("resolve " + xid + ": \"dropRefused\" goes with {\"outcome\": \"commit\"} "
                    + "(a rolled-back transaction publishes nothing)");
        }
        LOG.info("admin: resolve {} {}{} requested from {}", xid, outcome, dropRefused ? ", dropping messages Kafka refused," : "",
                exchange.getRemoteAddress());
        return Answer.json(200, await(dropRefused ? views.dropRefused(xid) : views.resolve(xid, outcome)));
    }

    private static Outcome requestedOutcome(JsonNode request, String xid) {
        return switch (request.path("outcome").asText("")) {
            case "commit" -> Outcome.COMMITTED;
            case "rollback" -> Outcome.ROLLED_BACK;
            default -> throw Rejection.invalid("resolve " + xid + ": the body must be {\"outcome\": \"commit\"} "
                    + "(with \"dropRefused\": true to drop the messages Kafka refused) or {\"outcome\": \"rollback\"} "
                    + "(at most " + MAX_BODY_BYTES + " bytes)");
        };
    }

    /** The refusal of an admin operation without the admin token (logged with the remote address), or empty. */
    private Optional<Answer> adminRefusal(HttpExchange exchange, String operation) {
        Optional<String> refusal = credential.refusal(exchange.getRequestHeaders().getFirst("Authorization"));
        refusal.ifPresent(why -> LOG.warn("admin: {} refused from {}: {}", operation, exchange.getRemoteAddress(), why));
        return refusal.map(why -> Answer.json(credential.enabled() ? 401 : 403, Map.of("error", operation + ": " + why)));
    }

    private Answer snapshot(HttpExchange exchange) {
        LeaderSnapshots.Taken taken = views.snapshot();
        LOG.info("admin: snapshot at log index {} (term {}) copied out to {}", taken.index(), taken.term(), exchange.getRemoteAddress());
        return new Answer(200, "application/octet-stream", taken.content(), taken.headers());
    }

    /** Body {@code {"add": "id=host:port"}} or {@code {"remove": "id"}}. */
    private Answer changeMembers(HttpExchange exchange) {
        JsonNode request = jsonBody(exchange);
        String add = request.path("add").asText("");
        String remove = request.path("remove").asText("");
        if (add.isEmpty() == remove.isEmpty()) {
            throw Rejection.invalid("the body must be {\"add\": \"ID=HOST:PORT\"} or {\"remove\": \"ID\"} (at most "
                    + MAX_BODY_BYTES + " bytes)");
        }
        LOG.info("admin: {} {} requested from {}", add.isEmpty() ? "remove" : "add", add.isEmpty() ? remove : add,
                exchange.getRemoteAddress());
        return Answer.json(200, add.isEmpty() ? views.removeMember(remove) : views.addMember(add));
    }

    /** The request's JSON body; an empty object when it is missing, too long or not JSON. */
    private static JsonNode jsonBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            JsonNode json = body.length <= MAX_BODY_BYTES ? JSON.readTree(body) : null;
            return json == null ? JSON.createObjectNode() : json;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private Answer refused(Rejection rejection) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", rejection.getMessage());
        int status = switch (rejection.kind()) {
            case INVALID -> 400;
            case UNKNOWN -> 404;
            case PERMISSION_DENIED -> 403;
            case NOT_ACTIVE, CONFLICT -> 409;
            case UNAVAILABLE -> 503;
            case LIMIT -> 429;
        };
        if (status == 503) {
            views.leaderAdminAddress().ifPresent(leader -> body.put("leaderAdmin", leader));
        }
        return Answer.json(status, body);
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw new MethodNotAllowed(path + " answers " + expected + " only");
        }
    }

    /** A request with the wrong method; answered 405. */
    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed(String message) {
            super(message, null, false, false);
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw unwrap(failure);
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new Rejection(Rejection.Kind.UNAVAILABLE, "no answer within " + ANSWER_SECONDS + " s; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static RuntimeException unwrap(RuntimeException failure) {
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() instanceof RuntimeException cause) {
            return unwrap(cause);
        }
        if (failure instanceof dev.entente.coordinator.raft.ReplicatedLog.NotLeaderException notLeader) {
            return new Rejection(Rejection.Kind.UNAVAILABLE, notLeader.getMessage());
        }
        return failure;
    }

    private static Answer console(String file) throws IOException {
        try (InputStream in = AdminServer.class.getResourceAsStream("console/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + file + " is missing from the coordinator jar");
            }
            String type = file.endsWith(".html") ? "text/html; charset=utf-8"
                    : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
            return new Answer(200, type, in.readAllBytes());
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", answer.type());
        answer.headers().forEach(headers::set);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        if (answer.status() == 401) {
            headers.set("WWW-Authenticate", "Bearer realm=\"entente\"");
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        metricsServer.ifPresent(listener -> listener.stop(0));
        executor.shutdownNow();
    }
}
