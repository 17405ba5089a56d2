package dev.entente.agent.apps;

/** Starts, does nothing for the milliseconds of its argument, and ends: what the agent does at start-up alone. */
public final class IdleApp {

    private IdleApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("done");
    }
}
