package dev.entente.bootstrap;

/**
 * Where instrumented code finds the runtime. Advice inlined into application and library classes may
 * only refer to classes every class loader sees: this one, the hook interfaces and the JDK. The runtime
 * installs itself here at start-up; until then (or without it) every hook does nothing.
 */
public final class Hooks {

    public static volatile JdbcHook jdbc = JdbcHook.NONE;
    public static volatile TransactionHook transactions = TransactionHook.NONE;
    public static volatile HttpHook http = HttpHook.NONE;
    public static volatile CarrierHook carrier = CarrierHook.NONE;
    public static volatile MessagingHook messaging = MessagingHook.NONE;
    public static volatile RpcHook rpc = RpcHook.NONE;
    public static volatile LocalTransactionHook localTransactions = LocalTransactionHook.NONE;
    public static volatile ApplicationHook application = ApplicationHook.NONE;
    public static volatile ReactiveHttpHook reactive = ReactiveHttpHook.NONE;

    /** Set while the runtime itself opens connections (phase 2, recovery) so that they are not enlisted. */
    private static final ThreadLocal<Boolean> INTERNAL = new ThreadLocal<>();

    private Hooks() {
    }

    public static boolean isInternal() {
        return INTERNAL.get() != null;
    }

    public static void internal(boolean on) {
        if (on) {
            INTERNAL.set(Boolean.TRUE);
        } else {
            INTERNAL.remove();
        }
    }
}
