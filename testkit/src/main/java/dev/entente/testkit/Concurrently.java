package dev.entente.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Runs an action on each of some items, each on a thread of its own, and waits for all: starting several
 * processes at once. A parallel stream would not do: on two cores it runs two at a time, so a third
 * process waited for one of the first two to be ready (its election, its port), idle time that is not CPU.
 */
public final class Concurrently {

    private Concurrently() {
    }

    /** Runs {@code action} on every item at once; rethrows the first failure once all have ended. */
    public static <T> void forEach(Collection<T> items, Consumer<T> action) {
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (T item : items) {
            CompletableFuture<Void> run = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    action.accept(item);
                    run.complete(null);
                } catch (Throwable e) {
                    run.completeExceptionally(e);
                }
            }, "concurrently-" + item);
            thread.setDaemon(true);
            thread.start();
            runs.add(run);
        }
        try {
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
