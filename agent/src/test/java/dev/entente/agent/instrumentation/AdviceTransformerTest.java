package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The agent's advice transformer resolves each advice once per class loader instead of once per class: it must
 * weave exactly what Byte Buddy's own {@code ForAdvice} weaves with the same advice, every time, including
 * with the advice it resolved for an earlier class. Checked on classes of the JDK and of the libraries on this
 * test's class path that the instrumentations match (executors, JDBC drivers, connections and pools, servlets
 * and filters, Spring's transaction classes, HTTP clients).
 */
class AdviceTransformerTest {

    private static final List<String> CLASSES = List.of(
            "java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.ScheduledThreadPoolExecutor",
            "java.util.concurrent.ForkJoinPool", "java.util.concurrent.ForkJoinTask", "java.util.concurrent.AbstractExecutorService",
            "org.postgresql.Driver", "org.postgresql.jdbc.PgConnection", "org.mariadb.jdbc.Driver", "org.mariadb.jdbc.Connection",
            "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.ProxyConnection", "com.zaxxer.hikari.util.DriverDataSource",
            "jakarta.servlet.http.HttpServlet", "jakarta.servlet.GenericFilter",
            "org.springframework.transaction.interceptor.TransactionInterceptor",
            "org.springframework.transaction.support.TransactionSynchronizationUtils",
            "org.springframework.jdbc.datasource.DriverManagerDataSource", "okhttp3.OkHttpClient",
            "org.apache.hc.client5.http.impl.classic.InternalHttpClient");

    private final ClassLoader loader = getClass().getClassLoader();
    private final List<TypeInstrumentation> instrumentations = Instrumentations.MODULES.stream()
            .flatMap(module -> module.typeInstrumentations().stream()).toList();
    private final List<TypeMatcher> matchers = instrumentations.stream().map(TypeInstrumentation::types).toList(); // all before any matching

    @Test
    void weavesWhatByteBuddysOwnAdviceTransformerWeavesEveryTime() throws Exception {
        ClassFileLocator classFiles = ClassFileLocator.ForClassLoader.of(loader);
        TypePool pool = TypePool.Default.of(classFiles);
        List<String> woven = new ArrayList<>();
        for (String name : CLASSES) {
            TypeDescription type = pool.describe(name).resolve();
            List<AdviceTransformer> matching = new ArrayList<>();
            for (int i = 0; i < instrumentations.size(); i++) {
                if (matchers.get(i).matches(type, loader, null, null, null)) {
                    matching.add((AdviceTransformer) instrumentations.get(i).transformer());
                }
            }
            assertThat(matching).as("%s is instrumented", name).isNotEmpty();

            byte[] original = classFiles.locate(name).resolve();
            byte[] byByteBuddy = weave(type, classFiles, pool, matching.stream().map(AdviceTransformer::reference).toList());
            byte[] first = weave(type, classFiles, pool, matching);
            byte[] again = weave(type, classFiles, pool, matching);

            assertThat(first).as(name).isEqualTo(byByteBuddy);
            assertThat(again).as(name + ", woven again with the advice already resolved").isEqualTo(byByteBuddy);
            if (!Arrays.equals(first, original)) {
                woven.add(name);
            }
        }
        assertThat(woven).as("classes whose methods got advice").hasSizeGreaterThan(CLASSES.size() / 2);
    }

    private byte[] weave(TypeDescription type, ClassFileLocator classFiles, TypePool pool, List<? extends AgentBuilder.Transformer> transformers) {
        DynamicType.Builder<?> builder = Weaver.BYTE_BUDDY.decorate(type, classFiles);
        for (AgentBuilder.Transformer transformer : transformers) {
            builder = transformer.transform(builder, type, loader, null, null);
        }
        return builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    }
}
