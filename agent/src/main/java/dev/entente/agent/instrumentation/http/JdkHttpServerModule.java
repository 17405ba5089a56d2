package dev.entente.agent.instrumentation.http;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** The JDK's HTTP server ({@code com.sun.net.httpserver}): a request carrying a transaction runs in it. */
public final class JdkHttpServerModule extends InstrumentationModule {

    public JdkHttpServerModule() {
        super("jdk-http-server",
                List.of(new HttpHandlerInstrumentation(), new HttpExchangeInstrumentation()),
                List.of(SupportedLibrary.jdk("`com.sun.net.httpserver`")));
    }
}
