package dev.entente.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Talks to a coordinator cluster's admin ports the way the clients talk to its client ports: asks the
 * addresses it was given which node leads, and sends its requests there.
 */
final class AdminClient {

    /** A failure to show the user as it is (the message names the address or the transaction). */
    static final class AdminException extends RuntimeException {
        AdminException(String message) {
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

    private final List<String> addresses;
    private final Optional<String> readToken;
    private final Optional<String> adminToken;
    private final String scheme;
    private final HttpClient http;

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
        String path = "/transactions/" + encode(xid) + "/resolve";
        String body = "{\"outcome\": \"" + outcome + "\"}";
        String leader = leader();
        Reply reply = request(leader, "POST", path, body);
        if (reply.status() == 503 && reply.body().hasNonNull("leaderAdmin")
                && !reply.body().get("leaderAdmin").asText().equals(leader)) {
            reply = request(reply.body().get("leaderAdmin").asText(), "POST", path, body); // leadership moved meanwhile
        }
        return reply;
    }

    private Reply get(String path) {
        return request(leader(), "GET", path, null);
    }

    /** The admin address of the node that leads, asked of each given address in turn. */
    String leader() {
        List<String> problems = new ArrayList<>();
        for (String address : addresses) {
            JsonNode cluster;
            try {
                Reply reply = request(address, "GET", "/cluster", null);
                if (reply.status() != 200) {
                    problems.add(address + " refused: " + reply.error());
                    continue;
                }
                cluster = reply.body();
            } catch (AdminException e) {
                problems.add(e.getMessage());
                continue;
            }
            String leaderId = cluster.path("leaderId").asText("");
            if (leaderId.equals(cluster.path("nodeId").asText()) && cluster.path("serving").asBoolean()) {
                return address;
            }
            for (JsonNode peer : cluster.path("peers")) {
                if (peer.path("id").asText().equals(leaderId) && !peer.path("adminAddress").asText().isEmpty()) {
                    return peer.path("adminAddress").asText();
                }
            }
            problems.add(address + " (node " + cluster.path("nodeId").asText() + ") knows no serving leader: "
                    + "an election is under way, or a majority of the cluster is down");
        }
        throw new AdminException("no coordinator leader found; " + String.join("; ", problems));
    }

    private Reply request(String address, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + address + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        (body == null ? readToken : adminToken).ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new AdminException(address + path + " answered HTTP " + response.statusCode()
                        + " with something other than JSON: is it a coordinator's admin port?");
            }
            return new Reply(response.statusCode(), json == null ? JSON.createObjectNode() : json);
        } catch (IOException e) {
            throw new AdminException("cannot reach the coordinator admin port at " + address + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + (scheme.equals("http") ? " (the admin port of a node with TLS material speaks HTTPS: give --tls-ca)" : ""));
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
