package dev.entente.agent.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.ContentResponse;

/**
 * How service A posts to service B: {@code jdk} is {@code java.net.http}, {@code urlconnection}
 * {@code java.net.HttpURLConnection}, {@code httpclient5} Apache HttpClient 5 (classic), {@code
 * httpclient5async} its async client, {@code okhttp} OkHttp, {@code jettyclient} the Jetty client, {@code
 * webclient} Spring's WebClient on Reactor Netty ({@code webclient-own-thread}: subscribed on a thread the agent
 * does not follow, see {@link WebClientCaller}), {@code grpc} a gRPC call of the same path and query ({@link
 * GrpcHttpApp}).
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
            case "httpclient5async" -> apacheAsync(HttpAsyncClients.createDefault());
            case "okhttp" -> okHttp(new OkHttpClient());
            case "jettyclient" -> jetty(new org.eclipse.jetty.client.HttpClient());
            case "webclient" -> WebClientCaller.blocking(); // classes of their own: only WebFlux applications have Reactor Netty
            case "webclient-own-thread" -> WebClientCaller.subscribedOnAThreadOfItsOwn();
            case "grpc" -> GrpcCaller.create(); // a class of its own: only gRPC applications have grpc-java
            default -> throw new IllegalArgumentException("unknown HTTP client '" + client + "' (jdk, jdkasync, urlconnection, "
                    + "httpclient5, httpclient5async, okhttp, jettyclient, webclient, webclient-own-thread, grpc)");
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

    /** The future of {@code execute}, joined: the response reaches it from an I/O thread. */
    private static HttpCaller apacheAsync(CloseableHttpAsyncClient http) {
        http.start();
        return url -> {
            SimpleHttpResponse response = http.execute(SimpleRequestBuilder.post(url).build(), null).get();
            return new Reply(response.getCode(), response.getBodyText());
        };
    }

    private static HttpCaller okHttp(OkHttpClient http) {
        return url -> {
            try (Response response = http.newCall(new Request.Builder().url(url).post(RequestBody.create(new byte[0])).build())
                    .execute()) {
                return new Reply(response.code(), response.body().string());
            }
        };
    }

    /** The blocking {@code send()}: its response's headers arrive on one of the client's I/O threads. */
    private static HttpCaller jetty(org.eclipse.jetty.client.HttpClient http) {
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the Jetty client did not start", e);
        }
        return url -> {
            ContentResponse response = http.POST(url).send();
            return new Reply(response.getStatus(), response.getContentAsString());
        };
    }
}
