package dev.entente.agent.apps;

import dev.entente.api.GlobalTransaction;
import dev.entente.api.GlobalTransactional;
import dev.entente.api.PropagationHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sending service: writes a row to its own database and sends a {@link LineMessages} message to
 * {@link LineReceiver} carrying its global transaction in the message's own headers
 * ({@code PropagationHeaders.current()}), since the agent does not see this transport. One line per case:
 * {@code "case | outcome | sender's row kept|gone, receiver's row kept|gone"}.
 * Arguments: the sender's JDBC URL, the receiver's JDBC URL, the receiver's port.
 */
public final class LineSender {

    private final String url;
    private final String receiverUrl;
    private final int receiver;

    private LineSender(String url, String receiverUrl, int receiver) {
        this.url = url;
        this.receiverUrl = receiverUrl;
        this.receiver = receiver;
    }

    private interface Call {
        String run(int id) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        LineSender sender = new LineSender(args[0], args[1], Integer.parseInt(args[2]));
        LineMessages.reset(sender.url);
        sender.report("both commit", 1, sender::sendAndReturn);
        sender.report("receiver fails, sender ignores it", 2, sender::sendFailingAndReturn);
        sender.report("sender fails after the receiver answered", 3, sender::sendAndFail);
        sender.report("no transaction", 4, sender::sendOutsideTransactions);
        System.out.println("done");
    }

    @GlobalTransactional(timeoutMillis = 20_000)
    public String sendAndReturn(int id) throws Exception {
        LineMessages.insert(url, id);
        String answer = send(id, false);
        String xid = GlobalTransaction.currentXid().orElseThrow();
        return "headers " + new TreeSet<>(PropagationHeaders.current().keySet()) + ", receiver answered "
                + answer.replace(xid, "the sender's transaction");
    }

    @GlobalTransactional(timeoutMillis = 20_000)
    public String sendFailingAndReturn(int id) throws Exception {
        LineMessages.insert(url, id);
        return "receiver answered " + send(id, true);
    }

    @GlobalTransactional(timeoutMillis = 20_000)
    public String sendAndFail(int id) throws Exception {
        LineMessages.insert(url, id);
        String answer = send(id, false);
        throw new IllegalStateException("the sender fails after the receiver answered " + answer.split(" ")[0]);
    }

    public String sendOutsideTransactions(int id) throws Exception {
        LineMessages.insert(url, id);
        return "headers " + PropagationHeaders.current() + ", receiver answered " + send(id, false);
    }

    private String send(int id, boolean fail) throws Exception {
        Map<String, String> message = new LinkedHashMap<>(PropagationHeaders.current());
        message.put("id", String.valueOf(id));
        if (fail) {
            message.put("fail", "true");
        }
        return LineMessages.send(receiver, message);
    }

    private void report(String name, int id, Call call) throws Exception {
        String outcome;
        try {
            outcome = "returned " + call.run(id);
        } catch (Exception e) {
            outcome = "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        System.out.println(name + " | " + outcome + " | sender's row " + LineMessages.kept(url, id) + ", receiver's row "
                + LineMessages.kept(receiverUrl, id));
    }
}
