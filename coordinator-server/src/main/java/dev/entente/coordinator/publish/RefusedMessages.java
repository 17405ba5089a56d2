package dev.entente.coordinator.publish;

import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.MessageRefusal;
import dev.entente.protocol.OutgoingMessage;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The messages of a committed decision that Kafka refused for good, as its {@code refusals} record
 * them: the rules the replicated table and the leader's {@link PublishDriver} share. While a refused
 * message is not dropped, the transaction is <em>stuck</em>: none of its messages is sent (a
 * transaction's messages go out together or not at all). A dropped one is never sent; the others are.
 */
public final class RefusedMessages {

    private RefusedMessages() {
    }

    /** Whether a refused message of {@code decision} waits for an operator. */
    public static boolean stuck(DecisionRecord decision) {
        return !waiting(decision).isEmpty();
    }

    /** The refusals not dropped. */
    public static List<MessageRefusal> waiting(DecisionRecord decision) {
        return decision.getRefusalsList().stream().filter(r -> r.getDroppedAtMillis() == 0).toList();
    }

    /** The messages to send: all but the dropped ones. */
    public static List<OutgoingMessage> toSend(DecisionRecord decision) {
        Set<String> dropped = decision.getRefusalsList().stream().filter(r -> r.getDroppedAtMillis() != 0)
                .map(MessageRefusal::getMessageId).collect(Collectors.toSet());
        return dropped.isEmpty() ? decision.getMessagesList()
                : decision.getMessagesList().stream().filter(m -> !dropped.contains(m.getMessageId())).toList();
    }

    /** {@code decision} with those of {@code refusals} that name a message it carries and is not refused already. */
    public static DecisionRecord refused(DecisionRecord decision, Collection<MessageRefusal> refusals) {
        Set<String> carried = decision.getMessagesList().stream().map(OutgoingMessage::getMessageId).collect(Collectors.toSet());
        Set<String> known = decision.getRefusalsList().stream().map(MessageRefusal::getMessageId).collect(Collectors.toSet());
        List<MessageRefusal> added = refusals.stream()
                .filter(r -> carried.contains(r.getMessageId()) && known.add(r.getMessageId()))
                .map(r -> r.toBuilder().setDroppedAtMillis(0).build())
                .toList();
        return added.isEmpty() ? decision : decision.toBuilder().addAllRefusals(added).build();
    }

    /** {@code decision} with the refused, not yet dropped messages among {@code messageIds} dropped at {@code atMillis}. */
    public static DecisionRecord dropped(DecisionRecord decision, Collection<String> messageIds, long atMillis) {
        DecisionRecord.Builder changed = decision.toBuilder().clearRefusals();
        for (MessageRefusal refusal : decision.getRefusalsList()) {
            changed.addRefusals(refusal.getDroppedAtMillis() == 0 && messageIds.contains(refusal.getMessageId())
                    ? refusal.toBuilder().setDroppedAtMillis(atMillis).build() : refusal);
        }
        return changed.build();
    }

    /** One refusal, as an operator reads it. */
    public static String describe(MessageRefusal refusal) {
        return "message " + refusal.getMessageId() + " for topic '" + refusal.getTopic() + "': " + refusal.getReason();
    }
}
