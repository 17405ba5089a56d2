package dev.entente.agent.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.entente.agent.instrumentation.SuperTypes;
import dev.entente.agent.instrumentation.TypeInstrumentation;
import dev.entente.agent.instrumentation.TypeMatcher;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * {@code Servlet.service(ServletRequest, ServletResponse)}, {@code javax.servlet} and {@code jakarta.servlet}:
 * a request carrying an XID is handled inside that transaction, and when {@code service} returns this
 * service's open branches prepare (or roll back, if it threw).
 *
 * <p>Why there: {@code service} is the one method every container calls for every request, whatever the
 * servlet overrides ({@code doGet}, the protected {@code service}, a framework's dispatcher). The
 * container sends the response's buffered end only after {@code service} returns, so for a response
 * that fits the buffer (8 KiB by default) the branches have voted before the caller sees a byte. A
 * servlet that commits its response earlier (more than a buffer of output, an explicit flush) lets
 * the caller finish first; {@code flushBuffer()} is caught ({@link ServletResponseInstrumentation}),
 * other early commits are not, and then the coordinator's short wait for unvoted branches covers the
 * gap. {@code HttpServlet.service} delegating to itself, a filter before the servlet
 * ({@link FilterInstrumentation}) or a forward to another servlet scope the request once: the runtime
 * ignores a request whose XID is already bound to the thread. Asynchronous servlets
 * ({@code startAsync}) are not followed: their branches prepare when {@code service} returns.
 */
public final class ServletInstrumentation implements TypeInstrumentation {

    @Override
    public TypeMatcher types() {
        return SuperTypes.classesOf("javax.servlet.Servlet", "jakarta.servlet.Servlet");
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return TypeInstrumentation.advice()
                .advice(named("service").and(not(isAbstract())).and(takesArguments(2))
                                .and(takesArgument(0, namedOneOf("javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest")))
                                .and(takesArgument(1, namedOneOf("javax.servlet.ServletResponse", "jakarta.servlet.ServletResponse"))),
                        RequestScopeAdvice.class.getName());
    }
}
