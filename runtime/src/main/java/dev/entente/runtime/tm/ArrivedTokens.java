package dev.entente.runtime.tm;

import dev.entente.bootstrap.HttpHook;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.client.TokenBook;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * The tokens that arrive with the XIDs of transactions this process joins (a request's, a carried context's):
 * each goes into the process's {@link TokenBook}, where its calls to the coordinator find it, unless this
 * process owns the transaction (its own token is the right one). An XID without a well-formed token still
 * joins, but the coordinator refuses its calls, so the transaction cannot commit with its work: said once.
 */
public final class ArrivedTokens {

    private final TokenBook tokens;
    private final TransactionManager transactions;
    private final Logger log;
    private final String carrier;
    private final String remedy;
    private final AtomicBoolean tokenlessLogged = new AtomicBoolean();

    /**
     * @param log     where the first XID that arrives without a token is told of
     * @param carrier what brings the XIDs, as the warning names it ("a request")
     * @param remedy  what sends both, as the warning says it ("the caller's agent sends both")
     */
    public ArrivedTokens(TokenBook tokens, TransactionManager transactions, Logger log, String carrier, String remedy) {
        this.tokens = tokens;
        this.transactions = transactions;
        this.log = log;
        this.carrier = carrier;
        this.remedy = remedy;
    }

    public void arrived(String xid, String token) {
        if (TransactionToken.isWellFormed(token)) {
            if (!transactions.owns(xid)) {
                tokens.put(xid, token);
            }
        } else if (tokenlessLogged.compareAndSet(false, true)) {
            log.warn("{} carries an {} header but no well-formed {} header: it runs in its transaction, but the coordinator "
                    + "refuses its calls, so the transaction cannot commit with its work ({}; logged once)", carrier,
                    HttpHook.XID_HEADER, HttpHook.TOKEN_HEADER, remedy);
        }
    }
}
