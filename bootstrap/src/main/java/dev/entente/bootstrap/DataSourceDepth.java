package dev.entente.bootstrap;

/**
 * How deep the current thread is in {@code DataSource.getConnection} calls. A pool's
 * {@code getConnection} may call another data source's (HikariCP's own driver wrapper, when it opens
 * a connection for the pool); only the outermost call hands a connection to the application.
 */
public final class DataSourceDepth {

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private DataSourceDepth() {
    }

    public static void enter() {
        DEPTH.get()[0]++;
    }

    /** Whether the current thread is inside a {@code getConnection} (a pool setting up a connection). */
    public static boolean isInside() {
        return DEPTH.get()[0] > 0;
    }

    /** Leaves one call; true if it was the outermost. */
    public static boolean exit() {
        int[] depth = DEPTH.get();
        depth[0] = Math.max(0, depth[0] - 1);
        return depth[0] == 0;
    }
}
