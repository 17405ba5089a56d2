package dev.entente.runtime.jdbc;

import javax.transaction.xa.XAException;

/** Readable XA error codes, and which of them mean "this branch is already finished". */
final class XaErrors {

    private XaErrors() {
    }

    /** XAER_NOTA: the database knows no such prepared branch; it was committed or rolled back before. */
    static boolean alreadyFinished(XAException e) {
        return e.errorCode == XAException.XAER_NOTA;
    }

    static String describe(XAException e) {
        String code = switch (e.errorCode) {
            case XAException.XAER_NOTA -> "XAER_NOTA (unknown Xid)";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL (database unavailable)";
            case XAException.XAER_RMERR -> "XAER_RMERR (database error)";
            case XAException.XAER_PROTO -> "XAER_PROTO (call out of order)";
            case XAException.XAER_INVAL -> "XAER_INVAL (invalid arguments)";
            case XAException.XAER_DUPID -> "XAER_DUPID (Xid already in use)";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE (connection in a local transaction)";
            default -> e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND
                    ? "XA_RB* " + e.errorCode + " (the database rolled the branch back)" : "XA error " + e.errorCode;
        };
        String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        return code + (cause == null ? "" : ": " + cause);
    }
}
