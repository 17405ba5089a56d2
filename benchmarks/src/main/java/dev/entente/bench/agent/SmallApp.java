package dev.entente.bench.agent;

/** The smallest app worth starting: it prints one line and exits. Its start-up is timed with and without the agent. */
public final class SmallApp {

    static final String STARTED = "small app started";

    private SmallApp() {
    }

    public static void main(String[] args) {
        System.out.println(STARTED);
    }
}
