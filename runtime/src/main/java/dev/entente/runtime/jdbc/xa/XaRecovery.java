package dev.entente.runtime.jdbc.xa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the branches a database holds prepared for one Entente cluster. Xids of other software, and
 * of other Entente clusters sharing the database, are never returned, so recovery cannot settle
 * what is not its own.
 */
public final class XaRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(XaRecovery.class);

    private XaRecovery() {
    }

    /**
     * One full scan ({@code TMSTARTRSCAN | TMENDRSCAN}) of the prepared Xids the resource's database
     * reports. PostgreSQL reports those of the connection's own database; MariaDB and MySQL those of
     * the whole server.
     *
     * @return the prepared branches whose XID belongs to {@code clusterId}, in the database's order
     * @throws XAException as the driver reports it (e.g. XAER_RMFAIL when the database is gone)
     */
    public static List<BranchXid> recover(XAResource resource, String clusterId) throws XAException {
        Xid[] prepared = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        List<BranchXid> ours = new ArrayList<>();
        for (Xid xid : prepared == null ? new Xid[0] : prepared) {
            Optional<BranchXid> branch = BranchXid.from(xid);
            if (branch.isPresent()) {
                if (branch.get().clusterId().equals(clusterId)) {
                    ours.add(branch.get());
                }
            } else if (xid.getFormatId() == BranchXid.FORMAT_ID) {
                LOG.warn("prepared Xid with Entente's format id but an unreadable gtrid/bqual left alone: {}", describe(xid));
            }
        }
        return ours;
    }

    private static String describe(Xid xid) {
        return "gtrid " + hex(xid.getGlobalTransactionId()) + ", bqual " + hex(xid.getBranchQualifier());
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder("0x");
        for (byte b : bytes == null ? new byte[0] : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }
}
