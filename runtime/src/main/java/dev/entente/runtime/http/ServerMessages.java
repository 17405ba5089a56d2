package dev.entente.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The requests and responses of the HTTP servers the agent instruments, as far as propagation needs
 * them: a request's header and its sender, a header set on a response not sent yet. The JDK's {@code
 * HttpExchange} is typed; Servlet's (javax and jakarta), Reactor Netty's and Spring WebFlux's are reached
 * through their public API by name ({@link LibraryMethod}), at whatever version the application ships.
 */
public final class ServerMessages {

    private static final LibraryMethod SERVLET_GET_HEADER = new LibraryMethod("getHeader", new Class<?>[] {String.class},
            "javax.servlet.http.HttpServletRequest", "jakarta.servlet.http.HttpServletRequest");
    private static final LibraryMethod SERVLET_GET_REMOTE_ADDR = new LibraryMethod("getRemoteAddr", new Class<?>[0],
            "javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest");
    private static final LibraryMethod SERVLET_SET_HEADER = new LibraryMethod("setHeader",
            new Class<?>[] {String.class, String.class}, "javax.servlet.http.HttpServletResponse",
            "jakarta.servlet.http.HttpServletResponse");
    private static final LibraryMethod SERVLET_IS_COMMITTED = new LibraryMethod("isCommitted", new Class<?>[0],
            "javax.servlet.ServletResponse", "jakarta.servlet.ServletResponse");
    private static final LibraryMethod SERVLET_STATUS = new LibraryMethod("getStatus", new Class<?>[0],
            "javax.servlet.http.HttpServletResponse", "jakarta.servlet.http.HttpServletResponse");

    private static final LibraryMethod REACTOR_NETTY_HEADERS = new LibraryMethod("requestHeaders", new Class<?>[0],
            "reactor.netty.http.server.HttpServerRequest");
    private static final LibraryMethod REACTOR_NETTY_REMOTE_ADDRESS = new LibraryMethod("remoteAddress", new Class<?>[0],
            "reactor.netty.http.server.HttpServerRequest");
    private static final LibraryMethod NETTY_HEADER = new LibraryMethod("get", new Class<?>[] {String.class},
            "io.netty.handler.codec.http.HttpHeaders");

    private static final LibraryMethod SPRING_HEADERS = new LibraryMethod("getHeaders", new Class<?>[0],
            "org.springframework.http.HttpMessage");
    static final LibraryMethod SPRING_SET_HEADER = new LibraryMethod("set", new Class<?>[] {String.class, String.class},
            "org.springframework.http.HttpHeaders");
    private static final LibraryMethod SPRING_STATUS = new LibraryMethod("getStatusCode", new Class<?>[0],
            "org.springframework.http.server.reactive.ServerHttpResponse");
    private static final LibraryMethod SPRING_STATUS_VALUE = new LibraryMethod("value", new Class<?>[0],
            "org.springframework.http.HttpStatusCode");

    private ServerMessages() {
    }

    /** Header {@code name} of a server request (JDK, Servlet, Reactor Netty), read before any runtime is needed; or null. */
    public static String header(Object request, String name) {
        if (request instanceof HttpExchange exchange) {
            return exchange.getRequestHeaders().getFirst(name);
        }
        if (REACTOR_NETTY_HEADERS.appliesTo(request)) {
            return (String) NETTY_HEADER.invoke(REACTOR_NETTY_HEADERS.invoke(request), name);
        }
        return (String) SERVLET_GET_HEADER.invoke(request, name);
    }

    /** The TCP peer of a server request; null when not known. */
    static InetAddress sender(Object request) {
        if (request instanceof HttpExchange exchange) {
            return exchange.getRemoteAddress() == null ? null : exchange.getRemoteAddress().getAddress();
        }
        if (REACTOR_NETTY_REMOTE_ADDRESS.appliesTo(request)) {
            return REACTOR_NETTY_REMOTE_ADDRESS.invoke(request) instanceof InetSocketAddress peer ? peer.getAddress() : null;
        }
        Object address = SERVLET_GET_REMOTE_ADDR.invoke(request);
        String literal = address instanceof String text ? text.replace("[", "").replace("]", "") : "";
        if (literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Za-z:.%]*")) {
            try {
                return InetAddress.getByName(literal); // an address literal (IPv4, or with a colon IPv6): no name lookup
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Sets header {@code name} on a server response whose headers are not sent yet; false if they are. A
     * Spring WebFlux response takes it while it commits, before its headers go (see {@link ReactiveRequests}).
     */
    static boolean setHeader(Object response, String name, String value) {
        if (response instanceof HttpExchange exchange) {
            if (exchange.getResponseCode() != -1) {
                return false; // sendResponseHeaders ran: the headers are gone
            }
            exchange.getResponseHeaders().set(name, value);
            return true;
        }
        if (SPRING_HEADERS.appliesTo(response)) {
            try {
                SPRING_SET_HEADER.invoke(SPRING_HEADERS.invoke(response), name, value);
                return true;
            } catch (UnsupportedOperationException committed) {
                return false; // a committed response's headers are read-only
            }
        }
        if (Boolean.TRUE.equals(SERVLET_IS_COMMITTED.invoke(response))) {
            return false;
        }
        SERVLET_SET_HEADER.invoke(response, name, value);
        return true;
    }

    /**
     * The status a server response is set to: for a Spring WebFlux response 200 when none is set yet (what it
     * is sent with then); for the JDK's, -1 before its headers are sent; for a Servlet response, 0 if it is not
     * an HTTP one.
     */
    static int status(Object response) {
        if (response instanceof HttpExchange exchange) {
            return exchange.getResponseCode();
        }
        if (SPRING_STATUS.appliesTo(response)) {
            Object status = SPRING_STATUS.invoke(response);
            return status == null ? 200 : (Integer) SPRING_STATUS_VALUE.invoke(status);
        }
        return SERVLET_STATUS.appliesTo(response) ? (Integer) SERVLET_STATUS.invoke(response) : 0;
    }

    /**
     * The failure a response with {@code status} tells its caller of, or null: a server error (5xx, what a
     * server answers when its handler threw) says the service failed, and the request's work rolls back as if
     * its handler had thrown. Any other status is the service's answer: a client error (4xx: not found, a
     * conflict) is for the caller to act on, whose HTTP client usually throws on it and so rolls back the
     * caller's method; a redirect is a success (the answer to a form posted, say).
     */
    static Throwable failureOf(String xid, int status) {
        return status < 500 ? null : new IllegalStateException("the response to a request under " + xid + " has status " + status);
    }
}
