package dev.entente.agent.instrumentation;

import dev.entente.agent.instrumentation.annotations.AnnotationsModule;
import dev.entente.agent.instrumentation.apachehttpclient.ApacheHttpClientModule;
import dev.entente.agent.instrumentation.executor.ExecutorsModule;
import dev.entente.agent.instrumentation.grpc.GrpcModule;
import dev.entente.agent.instrumentation.http.HttpUrlConnectionModule;
import dev.entente.agent.instrumentation.http.JavaHttpClientModule;
import dev.entente.agent.instrumentation.http.JdkHttpServerModule;
import dev.entente.agent.instrumentation.jdbc.JdbcModule;
import dev.entente.agent.instrumentation.jettyclient.JettyClientModule;
import dev.entente.agent.instrumentation.kafka.KafkaClientsModule;
import dev.entente.agent.instrumentation.okhttp.OkHttpModule;
import dev.entente.agent.instrumentation.servlet.ServletModule;
import dev.entente.agent.instrumentation.spring.SpringTransactionsModule;
import dev.entente.agent.instrumentation.webflux.WebFluxModule;
import dev.entente.runtime.OwnContextLoader;
import dev.entente.runtime.SettingSources;
import dev.entente.bootstrap.Hooks;
import java.lang.instrument.Instrumentation;
import java.util.List;
import org.slf4j.Logger;

/** Every integration the agent installs, and how they are installed. */
public final class Instrumentations {


    /** Every integration, in the order they are installed and listed in docs/configuration.md. */
    public static final List<InstrumentationModule> MODULES = List.of(
            new JdbcModule(),
            new AnnotationsModule(),
            new JavaHttpClientModule(),
            new HttpUrlConnectionModule(),
            new JdkHttpServerModule(),
            new ApacheHttpClientModule(),
            new OkHttpModule(),
            new JettyClientModule(),
            new ServletModule(),
            new ExecutorsModule(),
            new KafkaClientsModule(),
            new GrpcModule(),
            new WebFluxModule(),
            new SpringTransactionsModule());

    private Instrumentations() {
    }

    /**
     * Classes the JVM loads lazily while it links an invokedynamic call site. If one of them were first
     * loaded while the agent transforms it, the transformer's own call-site linking would need it again
     * on the same thread: a ClassCircularityError that the JVM then remembers for good (seen once under
     * load: {@code MethodHandle$1}, loaded when a method handle is first customized). Loaded up front,
     * they never reach the transformer.
     */
    private static final List<String> LINKAGE_CLASSES = List.of("java.lang.invoke.MethodHandle$1");

    /**
     * Installs every integration whose setting {@code instrumentation.<name>.enabled} is not false in
     * {@code settings}; a switch that names no integration, or is not true or false, stops start-up.
     */
    public static void install(Instrumentation instrumentation, SettingSources settings) {
        settings.rejectUnknown("instrumentation.", ".enabled", MODULES.stream().map(InstrumentationModule::enabledSetting).toList());
        List<InstrumentationModule> enabled = MODULES.stream().filter(module -> settings.flag(module.enabledSetting(), true)).toList();
        for (InstrumentationModule module : MODULES) {
            if (!enabled.contains(module)) {
                log().info("Entente: integration {} is off ({})", module.name(), settings.describe(module.enabledSetting()));
            }
        }
        for (String linkage : LINKAGE_CLASSES) {
            try {
                Class.forName(linkage, false, null);
            } catch (ClassNotFoundException notInThisJdk) {
                log().debug("{} is not in this JDK", linkage);
            }
        }
        List<TypeInstrumentation> types = enabled.stream().flatMap(module -> module.typeInstrumentations().stream()).toList();
        new InstrumentingTransformer(instrumentation, types, Hooks.class.getModule(), debugRequested()).install();
    }

    /**
     * The logger, set up at its first message: SLF4J's set-up (about 50 ms of a JVM's start) is left to the
     * runtime, or to a failure to instrument, rather than paid by every application at start-up.
     */
    private static Logger log() {
        return OwnContextLoader.logger(Instrumentations.class);
    }

    /**
     * Whether this class's log level asks for debug messages: the agent logs through its own SLF4J simple
     * logger, whose level is set by system properties ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}),
     * read here without setting the logger up.
     */
    private static boolean debugRequested() {
        String level = System.getProperty("org.slf4j.simpleLogger.log." + Instrumentations.class.getName(),
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
        return level.equalsIgnoreCase("debug") || level.equalsIgnoreCase("trace");
    }
}
