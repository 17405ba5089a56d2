package dev.entente.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.entente.coordinator.log.DecisionRecord;
import dev.entente.coordinator.log.MessageRefusal;
import dev.entente.coordinator.log.PublishRefusalRecord;
import dev.entente.coordinator.log.RefusedMessagesDroppedRecord;
import dev.entente.coordinator.publish.RefusedMessages;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replicated state of messages Kafka refused: a refusal sets a committed transaction's messages
 * aside, only for messages it carries and once each; a drop applies to refused messages only, and both
 * survive a snapshot (so a new leader, or a node restored from one, knows them).
 */
class TransactionTableTest {

    private static final String XID = "entente-0123456789:1:1:1:tpk0ed";

    private final TransactionTable table = new TransactionTable(60_000);

    private static OutgoingMessage message(String id) {
        return OutgoingMessage.newBuilder().setMessageId(id).setTopic("orders").setValue(ByteString.copyFromUtf8(id)).build();
    }

    private static MessageRefusal refusal(String id) {
        return MessageRefusal.newBuilder().setMessageId(id).setTopic("orders").setReason("RecordTooLargeException: too large")
                .setRefusedAtMillis(1).build();
    }

    private DecisionRecord committed() {
        DecisionRecord decision = DecisionRecord.newBuilder().setXid(XID).setOutcome(Outcome.COMMITTED).setOwnerOnly(true)
                .addMessages(message("placed")).addMessages(message("paid")).build();
        table.applyDecision(decision, 1);
        return decision;
    }

    private void refuse(MessageRefusal... refusals) {
        table.applyRefusal(PublishRefusalRecord.newBuilder().setXid(XID).addAllRefusals(List.of(refusals)).build());
    }

    private DecisionRecord pending() {
        return table.pendingDecision(XID).orElseThrow();
    }

    @Test
    void aRefusalSetsTheMessagesAsideOnceAndOnlyForMessagesTheDecisionCarries() {
        committed();
        refuse(refusal("placed"), refusal("not-carried"));
        refuse(refusal("placed"));
        assertThat(pending().getRefusalsList()).extracting(MessageRefusal::getMessageId).containsExactly("placed");
        assertThat(RefusedMessages.stuck(pending())).isTrue();
        assertThat(RefusedMessages.toSend(pending())).extracting(OutgoingMessage::getMessageId).containsExactly("placed", "paid");
    }

    @Test
    void aDropAppliesToRefusedMessagesOnlyAndTheOthersAreStillSent() {
        committed();
        RefusedMessagesDroppedRecord notRefused = RefusedMessagesDroppedRecord.newBuilder().setXid(XID).addMessageIds("paid")
                .setDroppedAtMillis(5).build();
        assertThat(table.applyDrop(notRefused).getOutcome()).isEqualTo(Outcome.UNKNOWN);

        refuse(refusal("placed"));
        RefusedMessagesDroppedRecord drop = RefusedMessagesDroppedRecord.newBuilder().setXid(XID).addMessageIds("placed")
                .setDroppedAtMillis(5).build();
        assertThat(table.applyDrop(drop).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(table.applyDrop(drop).getOutcome()).as("dropped once").isEqualTo(Outcome.UNKNOWN);
        assertThat(RefusedMessages.stuck(pending())).isFalse();
        assertThat(RefusedMessages.toSend(pending())).extracting(OutgoingMessage::getMessageId).containsExactly("paid");
    }

    @Test
    void refusalsAndDropsSurviveASnapshot() {
        committed();
        refuse(refusal("placed"), refusal("paid"));
        table.applyDrop(RefusedMessagesDroppedRecord.newBuilder().setXid(XID).addMessageIds("placed").setDroppedAtMillis(5).build());

        TransactionTable restored = new TransactionTable(60_000);
        restored.restore(table.snapshot());
        DecisionRecord decision = restored.pendingDecision(XID).orElseThrow();
        assertThat(RefusedMessages.waiting(decision)).extracting(MessageRefusal::getMessageId).containsExactly("paid");
        assertThat(RefusedMessages.toSend(decision)).extracting(OutgoingMessage::getMessageId).containsExactly("paid");
    }
}
