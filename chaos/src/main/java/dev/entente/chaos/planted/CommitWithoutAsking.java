package dev.entente.chaos.planted;

import dev.entente.runtime.jdbc.xa.XaResourceWrapper;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planted atomicity bug {@code commit-without-asking}, an extension of the runtime
 * ({@link XaResourceWrapper}) that only {@code bin/entente chaos --planted-bug commit-without-asking}
 * loads, into its account services: a branch's prepare commits its work at once (XA one-phase commit)
 * and still answers "prepared", so the branch votes yes without the coordinator having been asked, and
 * a transaction that then rolls back keeps this branch's work.
 */
public final class CommitWithoutAsking implements XaResourceWrapper {

    private static final Logger LOG = LoggerFactory.getLogger(CommitWithoutAsking.class);

    @Override
    public XAResource wrap(String resource, XAResource xa) {
        return new CommitsAtPrepare(resource, xa);
    }

    /** Passes every call on, except prepare. */
    private record CommitsAtPrepare(String resource, XAResource xa) implements XAResource {

        @Override
        public int prepare(Xid xid) throws XAException {
            xa.commit(xid, true);
            LOG.warn("planted bug commit-without-asking: branch {} on {} committed at prepare", xid, resource);
            return XA_OK;
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            xa.start(xid, flags);
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            xa.end(xid, flags);
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            xa.commit(xid, onePhase);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            xa.rollback(xid);
        }

        @Override
        public void forget(Xid xid) throws XAException {
            xa.forget(xid);
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            return xa.recover(flag);
        }

        @Override
        public boolean isSameRM(XAResource other) throws XAException {
            return xa.isSameRM(other instanceof CommitsAtPrepare wrapped ? wrapped.xa : other);
        }

        @Override
        public int getTransactionTimeout() throws XAException {
            return xa.getTransactionTimeout();
        }

        @Override
        public boolean setTransactionTimeout(int seconds) throws XAException {
            return xa.setTransactionTimeout(seconds);
        }
    }
}
