package dev.entente.runtime.tm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import org.junit.jupiter.api.Test;

class CarriedVotesTest {

    private static BranchReport vote(String xid, long branchId) {
        return BranchReport.newBuilder().setXid(xid).setBranchId(branchId).setResource("postgresql:db-1").setVote(BranchVote.PREPARED).build();
    }

    @Test
    void theOwnersVotesWaitForItsCommitAndLaterOnesAreNotKept() {
        CarriedVotes votes = new CarriedVotes();
        votes.awaitCommit("a");

        assertThat(votes.surelyCarried("a")).isTrue();
        assertThat(votes.keep(vote("a", 1))).isTrue();
        assertThat(votes.keep(vote("a", 1))).as("the same vote again (a header read twice)").isTrue();
        assertThat(votes.keep(vote("b", 1))).as("no carrier for b").isFalse();

        assertThat(votes.takeForCommit("a")).containsExactly(vote("a", 1));
        assertThat(votes.keep(vote("a", 2))).as("after the Commit left").isFalse();
        assertThat(votes.surelyCarried("a")).isFalse();
    }

    @Test
    void aBranchThatFailedStaysFailedWhateverVoteForItComesLater() {
        CarriedVotes votes = new CarriedVotes();
        votes.awaitCommit("a");
        BranchReport failed = vote("a", 1).toBuilder().setVote(BranchVote.FAILED).build();

        votes.keep(failed);
        votes.keep(vote("a", 1));

        assertThat(votes.takeForCommit("a")).containsExactly(failed);
    }

    @Test
    void aServletAnswerCarriesVotesButIsNotSure() {
        CarriedVotes votes = new CarriedVotes();
        votes.openAnswer("a", false);

        assertThat(votes.surelyCarried("a")).as("a Servlet response may leave without notice").isFalse();
        assertThat(votes.keep(vote("a", 1))).isTrue();
        votes.openAnswer("a", true);
        assertThat(votes.surelyCarried("a")).isTrue();

        assertThat(votes.takeForAnswer("a", true)).containsExactly(vote("a", 1));
        assertThat(votes.surelyCarried("a")).isFalse();
        assertThat(votes.keep(vote("a", 2))).as("the Servlet answer is still open").isTrue();
        assertThat(votes.takeForAnswer("a", false)).containsExactly(vote("a", 2));
        assertThat(votes.keep(vote("a", 3))).isFalse();
    }
}
