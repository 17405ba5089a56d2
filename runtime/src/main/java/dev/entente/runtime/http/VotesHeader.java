package dev.entente.runtime.http;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.entente.protocol.BranchReport;
import dev.entente.protocol.BranchVote;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code entente-votes} response header: the votes a called service returns to its caller, each
 * a {@link BranchReport} without its XID (the request's), base64url-encoded, separated by commas. A
 * header comes from the network: it is read with limits, and one that breaks them is refused whole.
 */
final class VotesHeader {

    static final int MAX_VOTES = 1000;
    static final int MAX_LENGTH = 512 * 1024;
    private static final int MAX_NAME = 256;

    private VotesHeader() {
    }

    static String encode(List<BranchReport> votes) {
        StringBuilder header = new StringBuilder();
        for (BranchReport vote : votes) {
            if (!header.isEmpty()) {
                header.append(',');
            }
            header.append(Base64.getUrlEncoder().withoutPadding().encodeToString(vote.toBuilder().clearXid().build().toByteArray()));
        }
        return header.toString();
    }

    /** The votes of {@code header}, each of transaction {@code xid}; throws IllegalArgumentException naming what is wrong. */
    static List<BranchReport> decode(String header, String xid) {
        if (header.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("it is longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = header.split(",", -1);
        if (parts.length > MAX_VOTES) {
            throw new IllegalArgumentException("it carries more than " + MAX_VOTES + " votes");
        }
        List<BranchReport> votes = new ArrayList<>(parts.length);
        for (String part : parts) {
            BranchReport vote;
            try {
                vote = BranchReport.parseFrom(Base64.getUrlDecoder().decode(part.trim()));
            } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("a vote is not readable (" + e.getMessage() + ")");
            }
            if (vote.getBranchId() <= 0 || vote.getResource().isBlank() || vote.getResource().length() > MAX_NAME
                    || vote.getInstanceId().length() > MAX_NAME || vote.getApp().length() > MAX_NAME || vote.getReason().length() > 2000
                    || (vote.getVote() != BranchVote.PREPARED && vote.getVote() != BranchVote.READ_ONLY
                    && vote.getVote() != BranchVote.FAILED)) {
                throw new IllegalArgumentException("a vote names no branch, resource or vote, or names them too long");
            }
            votes.add(vote.toBuilder().setXid(xid).build());
        }
        return votes;
    }
}
