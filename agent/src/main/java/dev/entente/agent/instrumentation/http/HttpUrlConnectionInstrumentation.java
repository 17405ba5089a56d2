package dev.entente.agent.instrumentation.http;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import java.net.URLConnection;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code HttpURLConnection}: a connection opened under a global transaction sends its XID, and the votes
 * its response returns are taken when the response is read ({@code getInputStream}, which {@code
 * getResponseCode} calls too; a header returned twice counts once). The XID header
 * is set at the outermost of these calls only: inside them the JDK marks the connection as connecting
 * and calls {@code connect()} itself, when a request property can no longer be set.
 */
public final class HttpUrlConnectionInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return TypeInstrumentation.named("sun.net.www.protocol.http.HttpURLConnection");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(namedOneOf("connect", "getOutputStream", "getInputStream").and(takesArguments(0)),
                        ConnectAdvice.class.getName())
                .advice(named("getInputStream").and(takesArguments(0)), ResponseAdvice.class.getName());
    }

    public static final class ConnectAdvice {
        @Advice.OnMethodEnter
        public static void enter(@Advice.This URLConnection connection, @Advice.FieldValue("connected") boolean connected,
                                 @Advice.FieldValue("connecting") boolean connecting) {
            String xid = TransactionContext.currentXid();
            if (xid != null && !connected && !connecting) {
                Hooks.http.outgoing(connection, xid);
            }
        }
    }

    /** The response arrived (or failed with a status the JDK throws for): the votes it carries are taken. */
    public static final class ResponseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class)
        public static void exit(@Advice.This URLConnection connection, @Advice.FieldValue("responseCode") int responseCode) {
            String xid = TransactionContext.currentXid();
            if (xid != null && responseCode != -1) {
                Hooks.http.responseReceived(xid, connection);
            }
        }
    }
}
