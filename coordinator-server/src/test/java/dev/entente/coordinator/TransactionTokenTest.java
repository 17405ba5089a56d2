package dev.entente.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.coordinator.testing.TestTransactions;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import dev.entente.protocol.EndRequest;
import dev.entente.protocol.Outcome;
import dev.entente.protocol.OutgoingMessage;
import dev.entente.protocol.TransactionToken;
import dev.entente.protocol.client.CoordinatorClient;
import dev.entente.protocol.client.CoordinatorException;
import dev.entente.testkit.CoordinatorProcess;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only holders of a transaction can join it: an XID without its token (or with a wrong one) registers
 * no branch, votes, publishes, commits nor rolls back; with it, a participant of another process can;
 * and the token shows in no admin view and in no line of the coordinator's log.
 */
@Timeout(180)
class TransactionTokenTest {

    private static final String RESOURCE = "postgresql://127.0.0.1:5432/orders";

    @TempDir
    static Path work;
    static CoordinatorProcess coordinator;
    /** The TM's client: its book holds the token of each XID it minted. */
    static CoordinatorClient owner;
    /** A participant's client, of another process: it holds only the tokens it is given. */
    static CoordinatorClient participant;

    @BeforeAll
    static void start() {
        coordinator = CoordinatorProcess.dev(work).start().awaitServing();
        owner = CoordinatorClient.connect(coordinator.clientAddress());
        participant = CoordinatorClient.connect(coordinator.clientAddress());
    }

    @AfterAll
    static void stop() {
        participant.close();
        owner.close();
        coordinator.close();
    }

    @Test
    void anXidWithoutItsTokenRegistersNoBranchVotesPublishesNorEndsTheTransaction() {
        String xid = TestTransactions.begin(owner, "orders", 60_000);
        refusedWithAndWithoutWrongTokens(xid, "RegisterBranch", () -> participant.registerBranch(xid, 7, RESOURCE, "rm-7"));
        refusedWithAndWithoutWrongTokens(xid, "ReportBranch", () -> participant.reportBranch(BranchReport.newBuilder()
                .setXid(xid).setBranchId(7).setVote(BranchVote.PREPARED).setResource(RESOURCE).setInstanceId("rm-7").build()));
        refusedWithAndWithoutWrongTokens(xid, "ReportBranch", () -> participant.reportFailure(xid, "a forged veto"));
        refusedWithAndWithoutWrongTokens(xid, "Publish", () -> participant.publish(xid, "127.0.0.1:9092",
                List.of(OutgoingMessage.newBuilder().setMessageId("m-1").setTopic("orders").build())));
        refusedWithAndWithoutWrongTokens(xid, "Commit", () -> participant.commit(xid, false));
        refusedWithAndWithoutWrongTokens(xid, "Rollback", () -> participant.rollback(xid, "a forged rollback", false));

        // none of it touched the transaction: its owner commits it
        assertThat(owner.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void aParticipantGivenTheTokenJoinsVotesAndTheOwnerCommits() {
        String xid = TestTransactions.begin(owner, "orders", 60_000);
        participant.tokens().put(xid, owner.tokens().get(xid)); // as the XID and its token arrive in a request
        participant.registerBranch(xid, 7, RESOURCE, "rm-7");
        participant.reportBranch(xid, 7, BranchVote.PREPARED, "");

        assertThat(owner.commit(xid, false).getOutcome()).isEqualTo(Outcome.COMMITTED);
        assertThat(owner.tokens().get(xid)).as("forgotten once its Commit is answered").isEmpty();
        assertThat(owner.commit(xid, false).getOutcome()).as("a retry needs no token").isEqualTo(Outcome.COMMITTED);
    }

    @Test
    void aGivenTokenLetsAParticipantPublishAndAnotherProcessEndTheTransaction() {
        String xid = TestTransactions.begin(owner, "orders", 60_000);
        participant.tokens().put(xid, owner.tokens().get(xid));
        // past the token check, this coordinator refuses for what it is: it publishes to no Kafka cluster
        assertThatThrownBy(() -> participant.publish(xid, "127.0.0.1:9092",
                List.of(OutgoingMessage.newBuilder().setMessageId("m-1").setTopic("orders").build())))
                .hasMessageContaining("publishes to no Kafka cluster");
        assertThat(participant.rollback(xid, "the participant's rollback", false).getOutcome()).isEqualTo(Outcome.ROLLED_BACK);
    }

    @Test
    void theTokenShowsInNoAdminViewNorInTheLog() throws Exception {
        String xid = TestTransactions.begin(owner, "orders", 60_000);
        String token = owner.tokens().get(xid);
        assertThat(TransactionToken.isWellFormed(token)).isTrue();
        participant.tokens().put(xid, token);
        participant.registerBranch(xid, 7, RESOURCE, "rm-7");
        participant.tokens().put(xid, (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1)); // one character off
        assertThatThrownBy(() -> participant.reportBranch(xid, 7, BranchVote.PREPARED, "")).isInstanceOf(CoordinatorException.class);

        for (String view : List.of("/transactions", "/transactions/" + xid, "/metrics")) {
            assertThat(coordinator.admin(view)).as(view).doesNotContain(token);
        }
        assertThat(coordinator.admin("/transactions/" + xid)).contains("rm-7"); // the view did show the transaction
        owner.rollback(xid, "done", false);
        assertThat(coordinator.admin("/transactions/" + xid)).doesNotContain(token);
        assertThat(Files.readString(coordinator.logFile())).contains("ready").doesNotContain(token);
    }

    /** {@code call} is refused without a token, with the token of another XID, and with a token of a random key. */
    private static void refusedWithAndWithoutWrongTokens(String xid, String operation, ThrowingCallable call) {
        String otherXid = TestTransactions.begin(owner, "orders", 60_000);
        List<String> wrong = List.of(owner.tokens().get(otherXid), TransactionToken.of(TransactionToken.newSessionKey(), xid),
                "not a token at all");
        participant.tokens().forget(xid);
        assertThatThrownBy(call).satisfies(refusedFor(xid, operation, "carries no token"));
        for (String token : wrong) {
            participant.tokens().put(xid, token);
            assertThatThrownBy(call).satisfies(refusedFor(xid, operation, "carries a wrong token"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
        }
        participant.tokens().forget(xid);
    }

    private static Consumer<Throwable> refusedFor(String xid, String operation, String why) {
        return e -> {
            assertThat(e).isInstanceOf(CoordinatorException.class).hasMessageContaining(xid).hasMessageContaining(operation)
                    .hasMessageContaining(why);
            assertThat(((CoordinatorException) e).code()).isEqualTo(Status.Code.PERMISSION_DENIED);
        };
    }
}
