package dev.entente.agent.instrumentation.servlet;

import dev.entente.bootstrap.HttpHook;
import dev.entente.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;

/**
 * The request's transaction scope around a servlet or filter. The request is typed {@code Object}: the
 * advice is inlined into {@code javax} and {@code jakarta} classes alike, and the runtime reads the header.
 */
public final class RequestScopeAdvice {

    private RequestScopeAdvice() {
    }

    @Advice.OnMethodEnter
    public static Object enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) {
        return Hooks.http.requestStarted(Hooks.http.header(request, HttpHook.XID_HEADER), request, response);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
        Hooks.http.requestEnded(scope, thrown);
    }
}
