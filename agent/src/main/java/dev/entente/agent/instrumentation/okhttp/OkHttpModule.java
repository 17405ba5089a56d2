package dev.entente.agent.instrumentation.okhttp;

import dev.entente.agent.instrumentation.InstrumentationModule;
import dev.entente.agent.instrumentation.SupportedLibrary;
import java.util.List;

/** OkHttp: calls made under a global transaction carry it, synchronous ({@code execute}) or not ({@code enqueue}). */
public final class OkHttpModule extends InstrumentationModule {

    public OkHttpModule() {
        super("okhttp",
                List.of(new OkHttpClientInstrumentation(), new RealCallInstrumentation()),
                List.of(new SupportedLibrary("OkHttp (`OkHttpClient.newCall`: `execute`, `enqueue`)", "4.x", "4.12.0",
                        "com.squareup.okhttp3:okhttp")));
    }
}
