package dev.entente.runtime.jdbc;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The branch ids (XA bquals) this resource manager gives its branches, without asking the
 * coordinator: a random prefix drawn once per process above a counter. Two branches of one
 * transaction, from two processes, share an id only if both prefix and counter coincide; the
 * coordinator refuses a second branch under a known id on another resource, and a database refuses a
 * duplicate Xid at XA START, so even that fails the transaction rather than mixing two branches up.
 */
final class BranchIds {

    private final long prefix = (long) (1 + new SecureRandom().nextInt(Integer.MAX_VALUE - 1)) << 32;
    private final AtomicInteger counter = new AtomicInteger();

    /** A positive id, never 0 (the id of a participant's failure outside any branch). */
    long next() {
        return prefix | (counter.incrementAndGet() & 0xFFFF_FFFFL);
    }
}
