package dev.entente.runtime.http;

import dev.entente.bootstrap.HttpHook;
import java.net.URLConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The requests and responses of the HTTP clients the agent instruments, as far as propagation needs
 * them: headers set on a request about to leave, a header read from its response. The JDK's own are
 * typed; every other library's (Apache HttpClient 5, OkHttp, the Jetty client, Spring's WebClient) is
 * reached through its public API by name ({@link LibraryMethod}), at whatever version the application ships.
 */
final class ClientMessages {

    /** The headers a copied request never keeps from its original: those of propagation, set anew. */
    private static final Set<String> PROPAGATION_HEADERS = Set.of(HttpHook.XID_HEADER, HttpHook.TOKEN_HEADER,
            HttpHook.ACCEPT_VOTES_HEADER);

    private static final LibraryMethod HTTPCORE5_SET_HEADER = new LibraryMethod("setHeader",
            new Class<?>[] {String.class, Object.class}, "org.apache.hc.core5.http.HttpMessage");
    private static final LibraryMethod HTTPCORE5_GET_HEADER = new LibraryMethod("getFirstHeader",
            new Class<?>[] {String.class}, "org.apache.hc.core5.http.MessageHeaders");
    private static final LibraryMethod HTTPCORE5_HEADER_VALUE = new LibraryMethod("getValue", new Class<?>[0],
            "org.apache.hc.core5.http.NameValuePair");

    private static final LibraryMethod OKHTTP_NEW_BUILDER = new LibraryMethod("newBuilder", new Class<?>[0], "okhttp3.Request");
    private static final LibraryMethod OKHTTP_BUILDER_HEADER = new LibraryMethod("header",
            new Class<?>[] {String.class, String.class}, "okhttp3.Request$Builder");
    private static final LibraryMethod OKHTTP_BUILD = new LibraryMethod("build", new Class<?>[0], "okhttp3.Request$Builder");
    private static final LibraryMethod OKHTTP_HEADER = new LibraryMethod("header", new Class<?>[] {String.class},
            "okhttp3.Request", "okhttp3.Response");
    private static final LibraryMethod OKHTTP_REQUEST = new LibraryMethod("request", new Class<?>[0], "okhttp3.Response");

    private static final LibraryMethod JETTY_SET_HEADERS = new LibraryMethod("headers", new Class<?>[] {Consumer.class},
            "org.eclipse.jetty.client.Request");
    private static final LibraryMethod JETTY_PUT = new LibraryMethod("put", new Class<?>[] {String.class, String.class},
            "org.eclipse.jetty.http.HttpFields$Mutable");
    private static final LibraryMethod JETTY_GET_HEADERS = new LibraryMethod("getHeaders", new Class<?>[0],
            "org.eclipse.jetty.client.Request", "org.eclipse.jetty.client.Response");
    private static final LibraryMethod JETTY_FIELD = new LibraryMethod("get", new Class<?>[] {String.class},
            "org.eclipse.jetty.http.HttpFields");
    private static final LibraryMethod JETTY_REQUEST = new LibraryMethod("getRequest", new Class<?>[0],
            "org.eclipse.jetty.client.Response");

    private static final LibraryMethod WEBCLIENT_HEADERS = new LibraryMethod("headers", new Class<?>[] {Consumer.class},
            "org.springframework.web.reactive.function.client.WebClient$RequestHeadersSpec");
    private static final LibraryMethod WEBCLIENT_RESPONSE_HEADERS = new LibraryMethod("headers", new Class<?>[0],
            "org.springframework.web.reactive.function.client.ClientResponse");
    private static final LibraryMethod WEBCLIENT_RESPONSE_HEADER = new LibraryMethod("header", new Class<?>[] {String.class},
            "org.springframework.web.reactive.function.client.ClientResponse$Headers");

    private ClientMessages() {
    }

    /**
     * {@code request} with {@code headers} set (each replacing any of its name): an immutable request
     * ({@code java.net.http.HttpRequest}, OkHttp's {@code Request}) is copied (a {@code java.net.http} copy
     * without any propagation header of the original's), a mutable one gets them and is returned as it is.
     */
    static Object withHeaders(Object request, Map<String, String> headers) {
        if (request instanceof HttpRequest original) {
            HttpRequest.Builder copy = HttpRequest.newBuilder(original, (name, value) -> !PROPAGATION_HEADERS.contains(name.toLowerCase(Locale.ROOT)));
            headers.forEach(copy::header);
            return copy.build();
        }
        if (request instanceof URLConnection connection) {
            headers.forEach(connection::setRequestProperty);
            return connection;
        }
        if (OKHTTP_NEW_BUILDER.appliesTo(request)) {
            Object builder = OKHTTP_NEW_BUILDER.invoke(request);
            headers.forEach((name, value) -> OKHTTP_BUILDER_HEADER.invoke(builder, name, value));
            return OKHTTP_BUILD.invoke(builder);
        }
        if (WEBCLIENT_HEADERS.appliesTo(request)) {
            // a request of Spring's WebClient not built yet: what it will be built with
            Consumer<Object> set = fields -> headers.forEach((name, value) -> ServerMessages.SPRING_SET_HEADER.invoke(fields, name, value));
            WEBCLIENT_HEADERS.invoke(request, set);
            return request;
        }
        if (JETTY_SET_HEADERS.appliesTo(request)) {
            Consumer<Object> put = fields -> headers.forEach((name, value) -> JETTY_PUT.invoke(fields, name, value));
            JETTY_SET_HEADERS.invoke(request, put);
            return request;
        }
        headers.forEach((name, value) -> HTTPCORE5_SET_HEADER.invoke(request, name, value));
        return request;
    }

    /** Header {@code name} of a client's {@code response}, or null. */
    static String responseHeader(Object response, String name) {
        if (response instanceof HttpResponse<?> jdk) {
            return jdk.headers().firstValue(name).orElse(null);
        }
        if (response instanceof URLConnection connection) {
            return connection.getHeaderField(name);
        }
        if (OKHTTP_HEADER.appliesTo(response)) {
            return (String) OKHTTP_HEADER.invoke(response, name);
        }
        if (JETTY_GET_HEADERS.appliesTo(response)) {
            return (String) JETTY_FIELD.invoke(JETTY_GET_HEADERS.invoke(response), name);
        }
        if (WEBCLIENT_RESPONSE_HEADERS.appliesTo(response)) {
            List<?> values = (List<?>) WEBCLIENT_RESPONSE_HEADER.invoke(WEBCLIENT_RESPONSE_HEADERS.invoke(response), name);
            return values == null || values.isEmpty() ? null : (String) values.get(0);
        }
        Object header = HTTPCORE5_GET_HEADER.invoke(response, name);
        return header == null ? null : (String) HTTPCORE5_HEADER_VALUE.invoke(header);
    }

    /**
     * Header {@code name} of the request that {@code response} answers, for the libraries whose response
     * leads to its request (OkHttp's {@code Response.request()}, the Jetty client's {@code getRequest()});
     * null for any other, or when the request has no such header.
     */
    static String requestHeaderOf(Object response, String name) {
        if (OKHTTP_REQUEST.appliesTo(response)) {
            return (String) OKHTTP_HEADER.invoke(OKHTTP_REQUEST.invoke(response), name);
        }
        if (JETTY_REQUEST.appliesTo(response)) {
            return (String) JETTY_FIELD.invoke(JETTY_GET_HEADERS.invoke(JETTY_REQUEST.invoke(response)), name);
        }
        return null;
    }
}
