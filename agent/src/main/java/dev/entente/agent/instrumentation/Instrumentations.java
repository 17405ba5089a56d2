package dev.entente.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.entente.agent.instrumentation.annotations.AnnotatedMethodInstrumentation;
import dev.entente.agent.instrumentation.apachehttpclient.ClassicHttpClientInstrumentation;
import dev.entente.agent.instrumentation.executor.ExecutorInstrumentation;
import dev.entente.agent.instrumentation.http.HttpClientInstrumentation;
import dev.entente.agent.instrumentation.http.HttpExchangeInstrumentation;
import dev.entente.agent.instrumentation.http.HttpHandlerInstrumentation;
import dev.entente.agent.instrumentation.http.HttpUrlConnectionInstrumentation;
import dev.entente.agent.instrumentation.jdbc.ConnectionInstrumentation;
import dev.entente.agent.instrumentation.jdbc.DataSourceInstrumentation;
import dev.entente.agent.instrumentation.jdbc.DriverInstrumentation;
import dev.entente.agent.instrumentation.servlet.FilterInstrumentation;
import dev.entente.agent.instrumentation.servlet.ServletInstrumentation;
import dev.entente.agent.instrumentation.servlet.ServletResponseInstrumentation;
import dev.entente.bootstrap.Hooks;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every integration the agent installs, and the Byte Buddy set-up they share. */
public final class Instrumentations {

    private static final Logger LOG = LoggerFactory.getLogger(Instrumentations.class);

    private static final List<TypeInstrumentation> ALL = List.of(
            new DriverInstrumentation(),
            new DataSourceInstrumentation(),
            new ConnectionInstrumentation(),
            new AnnotatedMethodInstrumentation(),
            new HttpClientInstrumentation(),
            new HttpUrlConnectionInstrumentation(),
            new HttpHandlerInstrumentation(),
            new HttpExchangeInstrumentation(),
            new ClassicHttpClientInstrumentation(),
            new ServletInstrumentation(),
            new FilterInstrumentation(),
            new ServletResponseInstrumentation(),
            new ExecutorInstrumentation());

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

    public static void install(Instrumentation instrumentation) {
        for (String linkage : LINKAGE_CLASSES) {
            try {
                Class.forName(linkage, false, null);
            } catch (ClassNotFoundException notInThisJdk) {
                LOG.debug("{} is not in this JDK", linkage);
            }
        }
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new ErrorLogger())
                .assureReadEdgeTo(instrumentation, Hooks.class)
                .ignore(nameStartsWith("net.bytebuddy.")
                        .or(nameStartsWith("java.lang.invoke."))
                        .or(nameStartsWith("sun.invoke."))
                        .or(nameStartsWith("dev.entente.bootstrap."))
                        .or(nameStartsWith("jdk.internal.reflect."))
                        .or(nameStartsWith("sun.reflect."))
                        .or(isSynthetic()))
                .or(any(), is(Instrumentations.class.getClassLoader())); // Entente's own classes and libraries
        for (TypeInstrumentation type : ALL) {
            builder = builder.type(type.types()).transform(type.transformer());
        }
        builder.installOn(instrumentation);
    }

    /** Failures to instrument a class are logged, never thrown into the application. */
    private static final class ErrorLogger extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            LOG.warn("could not instrument {}: {}", typeName, error.toString());
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            LOG.debug("instrumented {}", type.getName());
        }
    }
}
