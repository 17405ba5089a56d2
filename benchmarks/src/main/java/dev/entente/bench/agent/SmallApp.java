package dev.entente.bench.agent;

/**
 * The smallest app worth starting: it prints its CPU time so far (the JVM's start included, all threads)
 * and one line, and exits. Its start-up is timed with and without agents.
 */
public final class SmallApp {

    static final String STARTED = "small app started";

    private SmallApp() {
    }

    public static void main(String[] args) {
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
        System.out.println("cpu ms " + cpuMillis);
        System.out.println(STARTED);
    }
}
