package dev.entente.agent.instrumentation.http;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** The JDK's {@code java.net.http.HttpClient}: requests under a global transaction carry it. */
public final class JavaHttpClientModule extends InstrumentationModule {

    public JavaHttpClientModule() {
        super("java-http-client",
                List.of(new HttpClientInstrumentation()),
                List.of(SupportedLibrary.jdk("`java.net.http.HttpClient`")));
    }
}
