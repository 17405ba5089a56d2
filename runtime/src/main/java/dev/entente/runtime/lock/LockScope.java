package dev.entente.runtime.lock;

/** What entering a {@code @Locked} method did, so that leaving it can undo it. */
public final class LockScope {

    final HeldLock lock;
    final LockDefinition definition;
    final ClassLoader applicationLoader;

    LockScope(HeldLock lock, LockDefinition definition, ClassLoader applicationLoader) {
        this.lock = lock;
        this.definition = definition;
        this.applicationLoader = applicationLoader;
    }
}
