package dev.entente.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VotesHeaderTest {

    private static final String XID = "entente-kq7ts8zt3s:4:2:1b:tpk0ed";

    private static BranchReport vote(long branchId, String resource, BranchVote vote) {
        return BranchReport.newBuilder().setXid(XID).setBranchId(branchId).setResource(resource).setInstanceId("stock@host-1")
                .setVote(vote).build();
    }

    @Test
    void votesComeBackAsTheyWentWithTheRequestsXid() {
        List<BranchReport> sent = List.of(vote(7, "postgresql:db-1", BranchVote.PREPARED), vote(8, "mariadb:db-2", BranchVote.READ_ONLY));

        String header = VotesHeader.encode(sent);

        assertThat(header).doesNotContain(XID).matches("[A-Za-z0-9_-]+,[A-Za-z0-9_-]+");
        assertThat(VotesHeader.decode(header, XID)).isEqualTo(sent);
        assertThat(VotesHeader.decode(header, "entente-other:1:1:1:1")).allMatch(v -> v.getXid().equals("entente-other:1:1:1:1"));
    }

    @Test
    void aHeaderThatBreaksTheLimitsIsRefusedWhole() {
        String one = VotesHeader.encode(List.of(vote(1, "postgresql:db-1", BranchVote.PREPARED)));
        assertThatThrownBy(() -> VotesHeader.decode(String.join(",", Collections.nCopies(VotesHeader.MAX_VOTES + 1, one)), XID))
                .hasMessageContaining("more than " + VotesHeader.MAX_VOTES);
        assertThatThrownBy(() -> VotesHeader.decode("x".repeat(VotesHeader.MAX_LENGTH + 1), XID)).hasMessageContaining("longer");
        assertThatThrownBy(() -> VotesHeader.decode(one + ",%%%", XID)).hasMessageContaining("not readable");
        String noResource = Base64.getUrlEncoder().withoutPadding().encodeToString(
                BranchReport.newBuilder().setBranchId(3).setVote(BranchVote.PREPARED).build().toByteArray());
        assertThatThrownBy(() -> VotesHeader.decode(noResource, XID)).hasMessageContaining("names no branch, resource or vote");
        String noVote = VotesHeader.encode(List.of(vote(4, "postgresql:db-1", BranchVote.BRANCH_VOTE_UNSPECIFIED)));
        assertThatThrownBy(() -> VotesHeader.decode(noVote, XID)).hasMessageContaining("names no branch, resource or vote");
    }
}
