package dev.entente.agent.instrumentation.apachehttpclient;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import dev.entente.bootstrap.Hooks;
import dev.entente.bootstrap.TransactionContext;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Apache HttpClient 5, classic API: every {@code CloseableHttpClient.execute(...)} variant ends in
 * {@code doExecute(HttpHost, ClassicHttpRequest, HttpContext)}, where a request sent under a global
 * transaction gets its XID header (set, so a client that wraps another sets it twice, harmlessly), and
 * the votes its response returns are taken (read twice by such a client, counted once).
 * The request is typed {@code Object} and the runtime sets the header: the agent does not compile
 * against HttpClient, whose version is the application's.
 */
public final class ClassicHttpClientInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("org.apache.hc.client5.http.impl.classic.CloseableHttpClient");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("doExecute").and(not(isAbstract())).and(takesArguments(3))
                                .and(takesArgument(1, named("org.apache.hc.core5.http.ClassicHttpRequest"))),
                        ExecuteAdvice.class.getName());
    }

    public static final class ExecuteAdvice {
        @Advice.OnMethodEnter
        public static String enter(@Advice.Argument(1) Object request) {
            String xid = TransactionContext.currentXid();
            if (xid != null && request != null) {
                Hooks.http.outgoing(request, xid);
            }
            return xid;
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter String xid, @Advice.Return Object response) {
            if (xid != null && response != null) {
                Hooks.http.responseReceived(xid, response);
            }
        }
    }
}
