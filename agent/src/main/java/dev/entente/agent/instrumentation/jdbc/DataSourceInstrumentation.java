package dev.entente.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.DataSourceDepth;
import dev.entente.bootstrap.Hooks;
import java.sql.Connection;
import java.sql.SQLException;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/** {@code javax.sql.DataSource.getConnection}: where pools hand connections out. */
public final class DataSourceInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("javax.sql.DataSource");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("getConnection").and(returns(named("java.sql.Connection"))), GetConnectionAdvice.class.getName());
    }

    /** Only the outermost {@code getConnection} on a thread hands out: nested ones are a pool's own. */
    public static final class GetConnectionAdvice {
        @Advice.OnMethodEnter
        public static void enter() {
            DataSourceDepth.enter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.Return Connection connection, @Advice.Thrown Throwable thrown) throws SQLException {
            if (DataSourceDepth.exit() && thrown == null) {
                Hooks.jdbc.handedOut(connection);
            }
        }
    }
}
