package dev.entente.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import java.sql.Connection;
import java.sql.SQLException;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.sql.Connection}'s transaction methods, on physical connections and pool wrappers alike:
 * the runtime turns them into XA calls for connections enlisted in a global transaction.
 */
public final class ConnectionInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("java.sql.Connection");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("commit").and(takesArguments(0)).and(not(isAbstract())), CommitAdvice.class.getName())
                .advice(named("rollback").and(takesArguments(0)).and(not(isAbstract())), RollbackAdvice.class.getName())
                .advice(named("setAutoCommit").and(takesArguments(boolean.class)).and(not(isAbstract())),
                        SetAutoCommitAdvice.class.getName())
                .advice(named("close").and(takesArguments(0)).and(not(isAbstract())), CloseAdvice.class.getName())
                .advice(namedOneOf("createStatement", "prepareStatement", "prepareCall").and(not(isAbstract())),
                        StatementAdvice.class.getName());
    }

    public static final class CommitAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Connection connection) throws SQLException {
            return Hooks.jdbc.beforeCommit(connection);
        }
    }

    public static final class RollbackAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Connection connection) throws SQLException {
            return Hooks.jdbc.beforeRollback(connection);
        }
    }

    public static final class SetAutoCommitAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Connection connection, @Advice.Argument(0) boolean autoCommit)
                throws SQLException {
            return Hooks.jdbc.beforeSetAutoCommit(connection, autoCommit);
        }
    }

    public static final class StatementAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This Connection connection) throws SQLException {
            Hooks.jdbc.beforeStatement(connection);
        }
    }

    public static final class CloseAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Connection connection) throws SQLException {
            return Hooks.jdbc.beforeClose(connection);
        }
    }
}
