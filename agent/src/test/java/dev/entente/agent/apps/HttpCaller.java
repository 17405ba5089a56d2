package dev.entente.agent.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * How service A posts to service B: {@code jdk} is {@code java.net.http}, {@code urlconnection}
 * {@code java.net.HttpURLConnection}, {@code httpclient5} Apache HttpClient 5 (classic).
 */
interface HttpCaller {

    record Reply(int status, String body) {
    }

    Reply post(String url) throws Exception;

    static HttpCaller create(String client) {
        return switch (client) {
            case "jdk" -> jdk(HttpClient.newHttpClient());
            case "jdkasync" -> jdkAsync(HttpClient.newHttpClient());
            case "urlconnection" -> HttpCaller::urlConnection;
            case "httpclient5" -> apache(HttpClients.createDefault());
            default -> throw new IllegalArgumentException("unknown HTTP client '" + client
                    + "' (jdk, jdkasync, urlconnection, httpclient5)");
        };
    }

    private static HttpCaller jdk(HttpClient http) {
        return url -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        };
    }

    /** {@code sendAsync}, its future joined: the votes of the response are taken before it completes. */
    private static HttpCaller jdkAsync(HttpClient http) {
        return url -> {
            HttpResponse<String> response = http.sendAsync(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).get();
            return new Reply(response.statusCode(), response.body());
        };
    }

    private static Reply urlConnection(String url) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod("POST");
        try {
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new Reply(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            connection.disconnect();
        }
    }

    private static HttpCaller apache(CloseableHttpClient http) {
        return url -> http.execute(new HttpPost(url),
                response -> new Reply(response.getCode(), EntityUtils.toString(response.getEntity())));
    }
}
