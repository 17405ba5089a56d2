package dev.entente.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.bootstrap.Hooks;
import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/** {@code java.sql.Driver.connect}: where physical connections are born. */
public final class DriverInstrumentation implements TypeInstrumentation {

    @Override
    public AgentBuilder.RawMatcher types() {
        return SuperTypes.classesOf("java.sql.Driver");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("connect").and(takesArguments(String.class, Properties.class)), ConnectAdvice.class.getName());
    }

    public static final class ConnectAdvice {
        @Advice.OnMethodExit
        public static void exit(@Advice.This Driver driver, @Advice.Argument(0) String url,
                                @Advice.Argument(1) Properties info, @Advice.Return Connection connection) {
            Hooks.jdbc.connected(driver, url, info, connection);
        }
    }
}
