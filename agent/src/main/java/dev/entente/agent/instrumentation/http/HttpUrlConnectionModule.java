package dev.entente.agent.instrumentation.http;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** The JDK's {@code HttpURLConnection}: requests under a global transaction carry it. */
public final class HttpUrlConnectionModule extends InstrumentationModule {

    public HttpUrlConnectionModule() {
        super("http-url-connection",
                List.of(new HttpUrlConnectionInstrumentation()),
                List.of(SupportedLibrary.jdk("`java.net.HttpURLConnection`")));
    }
}
