package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Types ignored by name give the same answer for a binary name and for the internal name the JVM hands a
 * transformer (which the transformer no longer converts before asking).
 */
class IgnoredTypesTest {

    private final IgnoredTypes ignored = new IgnoredTypes();

    @Test
    void aBinaryAndAnInternalNameGetTheSameAnswer() {
        for (String name : List.of("java.lang.String", "jdk.internal.misc.Unsafe", "org.slf4j.Logger", "net.bytebuddy.ByteBuddy")) {
            assertThat(ignored.ignores(name)).as(name).isTrue();
            assertThat(ignored.ignores(name.replace('.', '/'))).as(name).isTrue();
        }
        for (String name : List.of("java.util.concurrent.ThreadPoolExecutor", "jdk.internal.net.http.HttpClientImpl",
                "sun.net.www.protocol.http.HttpURLConnection", "com.zaxxer.hikari.HikariDataSource", "javax.sql.DataSource",
                "com.example.shop.OrderService", "java")) {
            assertThat(ignored.ignores(name)).as(name).isFalse();
            assertThat(ignored.ignores(name.replace('.', '/'))).as(name).isFalse();
        }
        assertThat(ignored.ignores("javaxyz/Foo")).as("a package that only starts like java").isFalse();
    }
}
