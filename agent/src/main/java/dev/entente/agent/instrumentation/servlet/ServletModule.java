package dev.entente.agent.instrumentation.servlet;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Servlet containers, {@code javax.servlet} and {@code jakarta.servlet}: a request carrying a transaction runs in it. */
public final class ServletModule extends InstrumentationModule {

    public ServletModule() {
        super("servlet",
                List.of(new ServletInstrumentation(), new FilterInstrumentation(), new ServletResponseInstrumentation()),
                List.of(
                        new SupportedLibrary("`javax.servlet` containers (Tomcat 9)", "Servlet 3.1+", "Tomcat 9.0.112",
                                "org.apache.tomcat.embed:tomcat-embed-core"),
                        new SupportedLibrary("`jakarta.servlet` containers (Jetty 12, EE 10)", "Servlet 5+", "Jetty 12.1.14",
                                "org.eclipse.jetty.ee10:jetty-ee10-servlet"),
                        SupportedLibrary.inBootApp("boot3", "`jakarta.servlet` containers (Tomcat 10.1, Spring Boot 3's)", "Servlet 6.0",
                                "10.1.48", "org.apache.tomcat.embed:tomcat-embed-core"),
                        SupportedLibrary.inBootApp("boot4", "`jakarta.servlet` containers (Tomcat 11, Spring Boot 4's)", "Servlet 6.1",
                                "11.0.22", "org.apache.tomcat.embed:tomcat-embed-core")));
    }
}
