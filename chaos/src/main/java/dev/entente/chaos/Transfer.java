package dev.entente.chaos;

/**
 * One transfer the client asked for and what it was told: {@code from} and {@code to} are
 * {@code side:account}; {@code xid} is null when the reply named none.
 */
record Transfer(String id, String from, String to, int amount, boolean creditFirst, Outcome outcome, String xid,
                String detail) {

    /** What the client was told. */
    enum Outcome {
        /** 200: the coordinator decided commit. */
        COMMITTED,
        /** The transaction was never asked to commit, or the coordinator answered that it rolled back. */
        ROLLED_BACK,
        /** No outcome came back: the commit may or may not have happened. */
        UNKNOWN
    }

    String side(String sideAndAccount) {
        return sideAndAccount.substring(0, sideAndAccount.indexOf(':'));
    }

    String account(String sideAndAccount) {
        return sideAndAccount.substring(sideAndAccount.indexOf(':') + 1);
    }

    /** The movement this transfer makes on {@code side}: +amount on the receiving side, -amount on the paying one. */
    int deltaOn(String side) {
        return side.equals(side(to)) ? amount : -amount;
    }

    /** The account this transfer touches on {@code side}. */
    String accountOn(String side) {
        return account(side.equals(side(to)) ? to : from);
    }
}
