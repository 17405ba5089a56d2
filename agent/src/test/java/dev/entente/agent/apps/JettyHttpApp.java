package dev.entente.agent.apps;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** {@link HttpApp} as {@code jakarta.servlet} servlets in Jetty 12 (EE 10). */
final class JettyHttpApp implements HttpApp {

    private final Server server = new Server();
    private final ServletContextHandler context = new ServletContextHandler();
    private final int port;

    JettyHttpApp(int port) {
        this.port = port;
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        context.setContextPath("/");
        server.setHandler(context);
    }

    @Override
    public void route(String path, Handler handler) {
        context.addServlet(new ServletHolder(new RouteServlet(handler)), path);
    }

    @Override
    public void start() throws Exception {
        server.start();
        HttpApp.ready(port);
    }

    private static final class RouteServlet extends HttpServlet {
        private final transient Handler handler;

        RouteServlet(Handler handler) {
            this.handler = handler;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Answer answer = Answer.of(handler, request.getQueryString());
            response.setStatus(answer.status());
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write(answer.body());
        }
    }
}
