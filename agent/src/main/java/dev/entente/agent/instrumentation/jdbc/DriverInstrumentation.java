package dev.entente.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.sql.Driver.connect}, and the static factories some drivers' own DataSources call instead:
 * where physical connections are born.
 */
public final class DriverInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("java.sql.Driver");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("connect").and(takesArguments(String.class, Properties.class)), ConnectAdvice.class.getName())
                .advice(named("connect").and(isStatic()).and(takesArguments(1))
                                .and(takesArgument(0, named("org.mariadb.jdbc.Configuration"))),
                        ConfigurationConnectAdvice.class.getName());
    }

    public static final class ConnectAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.This Driver driver, @Advice.Argument(0) String url,
                                @Advice.Argument(1) Properties info, @Advice.Return Connection connection) {
            Hooks.jdbc.connected(driver, url, info, connection);
        }
    }

    /**
     * MariaDB Connector/J 3's {@code Driver.connect(Configuration)}: where its own DataSources
     * ({@code MariaDbDataSource}, and so HikariCP's {@code dataSourceClassName}) open connections,
     * bypassing {@code Driver.connect(String, Properties)}.
     */
    public static final class ConfigurationConnectAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.Origin Class<?> driverClass, @Advice.Argument(0) Object configuration,
                                @Advice.Return Connection connection) {
            Hooks.jdbc.connectedFrom(driverClass, configuration, connection);
        }
    }
}
