package dev.entente.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Talks to a coordinator cluster's admin ports the way the clients talk to its client ports: asks the
 * addresses it was given which node leads, and sends its requests there.
 */
final class AdminClient {

    /** A failure to show the user as it is (the message names the address or the transaction). */
    static class AdminException extends RuntimeException {
        AdminException(String message) {
            super(message);
        }
    }

    /** No connection could be made to an address: nothing was sent, so asking another node is safe. */
    static final class UnreachableException extends AdminException {
        UnreachableException(String message) {
            super(message);
        }
    }

    /** An answer from the leader: HTTP status and JSON body. */
    record Reply(int status, JsonNode body) {
        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** A change may wait longer: adding a node waits (up to 60 s) until the leader has brought it up to date. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(75);
    /**
     * How long a command waits for a leader while some node answers but none leads that can be reached: an
     * election after the leader died takes a few seconds, and the survivors may still name the dead node until then.
     */
    private static final Duration ELECTION_WAIT = Duration.ofSeconds(15);
    private static final Duration ELECTION_POLL = Duration.ofMillis(300);

    private final List<String> addresses;
    private final Optional<String> readToken;
    private final Optional<String> adminToken;
    private final String scheme;
    private final HttpClient http;
    /** Addresses no connection could be made to during this command; a node naming one as leader is not believed. */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    /**
     * Sends {@code readToken} (or, without one, {@code adminToken}) with every read and {@code adminToken} with
     * every change; speaks HTTPS trusting {@code tls} when given.
     */
    AdminClient(List<String> addresses, Optional<String> readToken, Optional<String> adminToken, Optional<SSLContext> tls) {
        this.addresses = addresses;
        this.readToken = readToken.or(() -> adminToken);
        this.adminToken = adminToken;
        this.scheme = tls.isPresent() ? "https" : "http";
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    Reply transactions() {
        return get("/transactions");
    }

    Reply transaction(String xid) {
        return get("/transactions/" + encode(xid));
    }

    Reply resolve(String xid, String outcome) {
        return postToLeader("/transactions/" + encode(xid) + "/resolve", "{\"outcome\": \"" + outcome + "\"}");
    }

    /** Drops the messages of committed {@code xid} that Kafka refused for good. */
    Reply dropRefused(String xid) {
        return postToLeader("/transactions/" + encode(xid) + "/resolve", "{\"outcome\": \"commit\", \"dropRefused\": true}");
    }

    /** The leader's view of the cluster: its members with their addresses, the leader, the term. */
    Reply cluster() {
        return get("/cluster");
    }

    /** Adds the node {@code entry} ({@code id=host:port}) to the members. */
    Reply addMember(String entry) {
        return postToLeader("/cluster/members", JSON.createObjectNode().put("add", entry).toString());
    }

    /** Removes node {@code id} from the members. */
    Reply removeMember(String id) {
        return postToLeader("/cluster/members", JSON.createObjectNode().put("remove", id).toString());
    }

    /** A change, sent to the leader; again to the node a follower names if leadership moved meanwhile. */
    private Reply postToLeader(String path, String body) {
        return onLeader(leader -> {
            Reply reply = request(leader, "POST", path, body);
            if (reply.status() == 503 && reply.body().hasNonNull("leaderAdmin")
                    && !reply.body().get("leaderAdmin").asText().equals(leader)) {
                reply = request(reply.body().get("leaderAdmin").asText(), "POST", path, body);
            }
            return reply;
        });
    }

    /** A snapshot the leader answered {@code POST /cluster/snapshot} with: its headers and its content. */
    record Snapshot(HttpHeaders headers, InputStream content) {
        String header(String name) {
            return headers.firstValue(name).orElseThrow(() -> new AdminException(
                    "the leader's snapshot came without its " + name + " header: is it a coordinator of this version?"));
        }
    }

    /** Has the leader take a snapshot and answers its content, or throws naming the refusal. */
    Snapshot snapshot() {
        String path = "/cluster/snapshot";
        String leader = leader();
        HttpResponse<InputStream> response = send(leader, "POST", path, "", HttpResponse.BodyHandlers.ofInputStream());
        Reply refusal = response.statusCode() == 200 ? null : json(leader, path, response);
        if (refusal != null && refusal.status() == 503 && refusal.body().hasNonNull("leaderAdmin")
                && !refusal.body().get("leaderAdmin").asText().equals(leader)) {
            String next = refusal.body().get("leaderAdmin").asText(); // leadership moved meanwhile
            response = send(next, "POST", path, "", HttpResponse.BodyHandlers.ofInputStream());
            refusal = response.statusCode() == 200 ? null : json(next, path, response);
        }
        if (refusal != null) {
            throw new AdminException(refusal.error());
        }
        return new Snapshot(response.headers(), response.body());
    }

    private Reply json(String address, String path, HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return parse(address, path, response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AdminException("reading the answer of " + address + path + ": " + e.getMessage());
        }
    }

    private Reply get(String path) {
        return onLeader(leader -> request(leader, "GET", path, null));
    }

    /**
     * Runs {@code call} on the leader's address; when the leader found cannot be reached (it died and the others
     * do not know it yet), finds the leader again until {@link #ELECTION_WAIT} has passed.
     */
    private <T> T onLeader(Function<String, T> call) {
        long deadline = System.nanoTime() + ELECTION_WAIT.toNanos();
        while (true) {
            String leader = leader(deadline);
            try {
                return call.apply(leader);
            } catch (UnreachableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** The admin address of the node that leads, asked of each given address in turn. */
    String leader() {
        return leader(System.nanoTime() + ELECTION_WAIT.toNanos());
    }

    /**
     * The leader's admin address; asks again while a node answers but knows no leader that can be reached (an
     * election under way), until {@code deadline} ({@link System#nanoTime()}).
     */
    private String leader(long deadline) {
        while (true) {
            LeaderSearch search = new LeaderSearch();
            for (String address : addresses) {
                Optional<String> leader = search.ask(address);
                if (leader.isPresent()) {
                    return leader.get();
                }
            }
            if (!search.electionUnderWay || System.nanoTime() - deadline > 0) {
                throw new AdminException("no coordinator leader found; " + String.join("; ", search.problems));
            }
            pause();
        }
    }

    /** One pass over the given addresses, asking each which node leads. */
    private final class LeaderSearch {
        final List<String> problems = new ArrayList<>();
        /** A node answered but named no leader, or one that cannot be reached. */
        boolean electionUnderWay;

        Optional<String> ask(String address) {
            JsonNode cluster;
            try {
                Reply reply = request(address, "GET", "/cluster", null);
                if (reply.status() != 200) {
                    problems.add(address + " refused: " + reply.error());
                    return Optional.empty();
                }
                cluster = reply.body();
            } catch (AdminException e) {
                problems.add(e.getMessage());
                return Optional.empty();
            }
            String node = address + " (node " + cluster.path("nodeId").asText() + ")";
            String leaderId = cluster.path("leaderId").asText("");
            if (leaderId.equals(cluster.path("nodeId").asText()) && cluster.path("serving").asBoolean()) {
                return Optional.of(address);
            }
            electionUnderWay = true;
            for (JsonNode peer : cluster.path("peers")) {
                String peerAdmin = peer.path("adminAddress").asText();
                if (peer.path("id").asText().equals(leaderId) && !peerAdmin.isEmpty()) {
                    if (!unreachable.contains(peerAdmin)) {
                        return Optional.of(peerAdmin);
                    }
                    problems.add(node + " names " + peerAdmin + " as the leader's admin address, which cannot be "
                            + "reached: an election may be under way");
                    return Optional.empty();
                }
            }
            problems.add(node + " knows no serving leader: an election is under way, or a majority of the cluster is down");
            return Optional.empty();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ELECTION_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    private Reply request(String address, String method, String path, String body) {
        HttpResponse<String> response = send(address, method, path, body, HttpResponse.BodyHandlers.ofString());
        return parse(address, path, response.statusCode(), response.body());
    }

    private static Reply parse(String address, String path, int status, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AdminException(address + path + " answered HTTP " + status
                    + " with something other than JSON: is it a coordinator's admin port?");
        }
        return new Reply(status, json == null ? JSON.createObjectNode() : json);
    }

    /** Sends a request: a read with the read token, a change ({@code body} given) with the admin token. */
    private <T> HttpResponse<T> send(String address, String method, String path, String body, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + address + path))
                .timeout(body == null ? TIMEOUT : CHANGE_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        (body == null ? readToken : adminToken).ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            String message = "cannot reach the coordinator admin port at " + address + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + (scheme.equals("http") ? " (the admin port of a node with TLS material speaks HTTPS: give --tls-ca)" : "");
            if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
                unreachable.add(address);
                throw new UnreachableException(message);
            }
            throw new AdminException(message);
        } catch (IllegalArgumentException e) {
            throw new AdminException("'" + address + "' is not a host:port admin address");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    private static String encode(String xid) {
        return URLEncoder.encode(xid, StandardCharsets.UTF_8);
    }
}
