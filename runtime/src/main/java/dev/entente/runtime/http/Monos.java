package dev.entente.runtime.http;

import java.util.function.Consumer;

/**
 * Reactor's {@code Mono}, at the application's version, reached by name: the few operators propagation
 * puts on a client's response or a server's handling. Each is called on a {@code Mono} the application's
 * libraries made, so theirs is the Reactor used.
 */
final class Monos {

    private static final String MONO = "reactor.core.publisher.Mono";
    private static final LibraryMethod DO_ON_NEXT = new LibraryMethod("doOnNext", new Class<?>[] {Consumer.class}, MONO);
    private static final LibraryMethod DO_FINALLY = new LibraryMethod("doFinally", new Class<?>[] {Consumer.class}, MONO);
    private static final LibraryMethod EMPTY = new LibraryMethod("empty", new Class<?>[0], MONO);

    private Monos() {
    }

    static boolean isMono(Object value) {
        return DO_ON_NEXT.appliesTo(value);
    }

    /** {@code mono}, which runs {@code action} on its value before its subscriber gets it, on whichever thread. */
    static Object peekingValue(Object mono, Consumer<Object> action) {
        return DO_ON_NEXT.invoke(mono, action);
    }

    /** {@code mono}, which runs {@code action} once it completed, failed or was cancelled: with the signal's name. */
    static Object finallyRunning(Object mono, Consumer<String> action) {
        Consumer<Object> onSignal = signal -> action.accept(String.valueOf(signal));
        return DO_FINALLY.invoke(mono, onSignal);
    }

    /** An empty {@code Mono} of the Reactor that made {@code mono} (a static method: the target is only where it is found). */
    static Object empty(Object mono) {
        return EMPTY.invoke(mono);
    }
}
