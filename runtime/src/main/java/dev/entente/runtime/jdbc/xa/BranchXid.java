package dev.entente.runtime.jdbc.xa;

import dev.entente.protocol.Xids;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.transaction.xa.Xid;

/**
 * The XA {@link Xid} of one Entente branch: format id {@link #FORMAT_ID}, global transaction id the
 * global XID's UTF-8 bytes ({@code entente-x1:7:1:2s:tpk0ed}), branch qualifier the branch id in decimal ASCII.
 * The same (XID, branch id) always gives the same bytes, so any process can finish a branch another
 * one prepared; {@link #from(Xid)} reads back exactly the Xids this class writes, and nothing else.
 */
public final class BranchXid implements Xid {

    /** Entente's XA format id: ASCII "Ente". Recovery never touches an Xid with another one. */
    public static final int FORMAT_ID = 0x456E7465;

    private final String globalXid;
    private final long branchId;
    private final byte[] gtrid;
    private final byte[] bqual;

    /**
     * @param globalXid a well-formed Entente XID ({@code <cluster id>:<term>:<session>:<counter>:<deadline>}); its shape
     *                  keeps it within an XA gtrid's 64 bytes
     * @param branchId  the branch id the coordinator assigned, positive
     * @throws IllegalArgumentException naming the XID or branch id that does not fit an XA Xid
     */
    public BranchXid(String globalXid, long branchId) {
        if (!Xids.isWellFormed(globalXid)) {
            throw new IllegalArgumentException("'" + globalXid + "' is not an Entente XID (cluster:term:session:counter:deadline)");
        }
        if (branchId <= 0) {
            throw new IllegalArgumentException("branch id " + branchId + " of " + globalXid + " is not positive");
        }
        this.globalXid = globalXid;
        this.branchId = branchId;
        this.gtrid = globalXid.getBytes(StandardCharsets.UTF_8);
        this.bqual = Long.toString(branchId).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads an Xid found in a database (by XA RECOVER) back into a branch.
     *
     * @return empty for an Xid of another format id, and for one with Entente's format id whose
     *         gtrid is not a well-formed XID or whose bqual is not a branch id in canonical decimal
     */
    public static Optional<BranchXid> from(Xid xid) {
        if (xid == null || xid.getFormatId() != FORMAT_ID) {
            return Optional.empty();
        }
        if (xid instanceof BranchXid branch) {
            return Optional.of(branch);
        }
        Optional<String> globalXid = utf8(xid.getGlobalTransactionId());
        Optional<Long> branchId = branchId(xid.getBranchQualifier());
        if (globalXid.isEmpty() || branchId.isEmpty() || !Xids.isWellFormed(globalXid.get())) {
            return Optional.empty();
        }
        return Optional.of(new BranchXid(globalXid.get(), branchId.get()));
    }

    public String globalXid() {
        return globalXid;
    }

    public long branchId() {
        return branchId;
    }

    /** The cluster that began the global transaction: recovery settles only its own cluster's branches. */
    public String clusterId() {
        return Xids.clusterId(globalXid);
    }

    @Override
    public int getFormatId() {
        return FORMAT_ID;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BranchXid that && branchId == that.branchId && globalXid.equals(that.globalXid);
    }

    @Override
    public int hashCode() {
        return globalXid.hashCode() * 31 + Long.hashCode(branchId);
    }

    /** {@code entente-x1:7:1:2s:tpk0ed/5}: the global XID, then the branch id. */
    @Override
    public String toString() {
        return globalXid + "/" + branchId;
    }

    private static Optional<String> utf8(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException notText) {
            return Optional.empty();
        }
    }

    /** Only the canonical form ("5", not "05"), so that the bytes written back are the bytes read. */
    private static Optional<Long> branchId(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > 19 || bytes[0] == '0') {
            return Optional.empty();
        }
        long value = 0;
        for (byte b : bytes) {
            if (b < '0' || b > '9') {
                return Optional.empty();
            }
            try {
                value = Math.addExact(Math.multiplyExact(value, 10), b - '0');
            } catch (ArithmeticException tooLarge) {
                return Optional.empty();
            }
        }
        return Optional.of(value);
    }
}
