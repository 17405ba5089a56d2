package dev.entente.runtime.tm;

/**
 * Told when a global transaction owned by this process has ended, so that what is held for it (the
 * locks of {@code @Locked} methods) can last until the transaction is finished, not just decided.
 */
public interface FinishListener {

    FinishListener NONE = new FinishListener() {
        @Override
        public boolean waitsForPhaseTwo(String xid) {
            return false;
        }

        @Override
        public void finished(String xid, boolean phaseTwoDone) {
        }
    };

    /** Whether the end of {@code xid} must wait until every branch finished phase 2. */
    boolean waitsForPhaseTwo(String xid);

    /**
     * {@code xid} ended here; if {@code phaseTwoDone}, every branch finished phase 2, else the outcome or
     * phase 2 is still to come (the coordinator's answer was late or missing).
     */
    void finished(String xid, boolean phaseTwoDone);
}
