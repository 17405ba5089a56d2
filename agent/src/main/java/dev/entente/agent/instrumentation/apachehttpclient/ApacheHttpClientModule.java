package dev.entente.agent.instrumentation.apachehttpclient;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import java.util.List;

/** Apache HttpClient 5, classic and async APIs: requests under a global transaction carry it. */
public final class ApacheHttpClientModule extends InstrumentationModule {

    public ApacheHttpClientModule() {
        super("apache-httpclient-5",
                List.of(new ClassicHttpClientInstrumentation(), new AsyncHttpClientInstrumentation()),
                List.of(new SupportedLibrary("Apache HttpClient 5, classic (`CloseableHttpClient`)", "5.x", "5.6.5",
                                "org.apache.httpcomponents.client5:httpclient5"),
                        new SupportedLibrary("Apache HttpClient 5, async (`CloseableHttpAsyncClient` of `HttpAsyncClients`; "
                                + "not the minimal client)", "5.x", "5.6.5", "org.apache.httpcomponents.client5:httpclient5")));
    }
}
