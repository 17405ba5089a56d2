package dev.entente.agent.apps;

import java.io.IOException;
import java.nio.file.Files;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/** {@link HttpApp} as {@code javax.servlet} servlets in embedded Tomcat 9. */
final class TomcatHttpApp implements HttpApp {

    private final Tomcat tomcat = new Tomcat();
    private final Context context;
    private final int port;

    TomcatHttpApp(int port) throws IOException {
        this.port = port;
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        context = tomcat.addContext("", null);
    }

    @Override
    public void route(String path, Handler handler) {
        Tomcat.addServlet(context, path, new RouteServlet(handler));
        context.addServletMappingDecoded(path, path);
    }

    @Override
    public void start() throws Exception {
        tomcat.start();
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
