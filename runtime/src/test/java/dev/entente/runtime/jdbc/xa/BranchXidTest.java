package dev.entente.runtime.jdbc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.runtime.jdbc.xa.XaDialectContract.ForeignXid;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BranchXidTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheXidAsGtridAndTheBranchIdAsDecimalBqual() {
        BranchXid xid = new BranchXid("entente:7:1:2s:tpk0ed", 5);

        assertThat(xid.getFormatId()).isEqualTo(BranchXid.FORMAT_ID).isEqualTo(0x456E7465);
        assertThat(xid.getGlobalTransactionId()).isEqualTo(ascii("entente:7:1:2s:tpk0ed"));
        assertThat(xid.getBranchQualifier()).isEqualTo(ascii("5"));
        assertThat(xid.clusterId()).isEqualTo("entente");
        assertThat(xid).hasToString("entente:7:1:2s:tpk0ed/5");
    }

    @Test
    void readsBackTheXidAnyDriverReturnsForIt() {
        BranchXid written = new BranchXid("orders-eu:12:3:2r:tpk0ed", Long.MAX_VALUE);
        ForeignXid fromDriver = new ForeignXid(written.getFormatId(), written.getGlobalTransactionId(),
                written.getBranchQualifier());

        assertThat(BranchXid.from(fromDriver)).contains(written);
        assertThat(BranchXid.from(fromDriver).orElseThrow().hashCode()).isEqualTo(written.hashCode());
    }

    @Test
    void leavesXidsOfOtherSoftwareAlone() {
        assertThat(BranchXid.from(new ForeignXid(0x1234, ascii("entente:7:1:2s:tpk0ed"), ascii("5")))).isEmpty();
        assertThat(BranchXid.from(null)).isEmpty();
    }

    @Test
    void leavesXidsWithEntenteFormatIdButAnotherShapeAlone() {
        int format = BranchXid.FORMAT_ID;
        assertThat(BranchXid.from(new ForeignXid(format, ascii("not an xid"), ascii("5")))).as("gtrid").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, new byte[] {(byte) 0xC3, 0x28}, ascii("5")))).as("utf-8").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, ascii("entente:7:1:2s:tpk0ed"), ascii("05")))).as("leading 0").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, ascii("entente:7:1:2s:tpk0ed"), ascii("0")))).as("zero").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, ascii("entente:7:1:2s:tpk0ed"), ascii("-5")))).as("sign").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, ascii("entente:7:1:2s:tpk0ed"), new byte[0]))).as("empty").isEmpty();
        assertThat(BranchXid.from(new ForeignXid(format, ascii("entente:7:1:2s:tpk0ed"), ascii("9223372036854775808"))))
                .as("beyond a long").isEmpty();
    }

    @Test
    void refusesWhatCannotBeAnEntenteBranch() {
        assertThatThrownBy(() -> new BranchXid("entente:7", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'entente:7' is not an Entente XID");
        assertThatThrownBy(() -> new BranchXid("entente:7:1:2s:tpk0ed", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("branch id 0 of entente:7:1:2s:tpk0ed");
    }

    @Test
    void theLongestXidFitsAnXaGtrid() {
        String longest = "c".repeat(32) + ":" + "9".repeat(12) + ":zzzz:zzzzzz:tpk0ed";

        assertThat(new BranchXid(longest, 1).getGlobalTransactionId()).hasSize(BranchXid.MAXGTRIDSIZE);
    }

    @Test
    void equalityIsByXidAndBranch() {
        assertThat(new BranchXid("entente:7:1:1:tpk0ed", 2)).isEqualTo(new BranchXid("entente:7:1:1:tpk0ed", 2))
                .isNotEqualTo(new BranchXid("entente:7:1:1:tpk0ed", 3))
                .isNotEqualTo(new BranchXid("entente:8:1:1:tpk0ed", 2));
    }
}
