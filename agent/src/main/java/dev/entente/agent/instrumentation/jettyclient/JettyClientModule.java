package dev.entente.agent.instrumentation.jettyclient;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/** The Jetty client: requests sent under a global transaction carry it, blocking ({@code send()}) or not. */
public final class JettyClientModule extends InstrumentationModule {

    public JettyClientModule() {
        super("jetty-client",
                List.of(new JettyRequestInstrumentation(), new JettyResponseListenersInstrumentation()),
                List.of(new SupportedLibrary("Jetty client (`org.eclipse.jetty.client.HttpClient`: `send()`, "
                        + "`send(listener)`)", "12.1", "12.1.14", "org.eclipse.jetty:jetty-client")));
    }
}
