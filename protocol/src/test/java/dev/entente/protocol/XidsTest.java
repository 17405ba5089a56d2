package dev.entente.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XidsTest {

    @Test
    void anXidCarriesItsClusterTermSessionAndDeadline() {
        long deadline = 1_796_441_340_889L;
        String xid = Xids.format("entente-kq7ts8zt3s", 12, 37, 1_000_000, deadline);

        assertThat(xid).isEqualTo("entente-kq7ts8zt3s:12:11:lfls:" + Long.toString(1_796_441_341L, 36));
        assertThat(Xids.isWellFormed(xid)).isTrue();
        assertThat(Xids.clusterId(xid)).isEqualTo("entente-kq7ts8zt3s");
        assertThat(Xids.term(xid)).isEqualTo(12);
        assertThat(Xids.session(xid)).isEqualTo(37);
        assertThat(Xids.deadlineMillis(xid)).as("rounded up to the second").isEqualTo(1_796_441_341_000L);
    }

    @Test
    void theLongestPartsStillFitAnXaGtrid() {
        String xid = Xids.format("c".repeat(32), 99_999_999L, Long.parseLong("zzzz", 36), Long.parseLong("zzzzzzz", 36),
                1_796_441_340_889L);
        assertThat(xid.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(Xids.MAX_LENGTH);
        assertThatThrownBy(() -> Xids.format("c".repeat(32), 999_999_999_999L, Long.parseLong("zzzzzzzz", 36),
                Long.parseLong("zzzzzzzzz", 36), 1_796_441_340_889L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64 characters");
    }

    @Test
    void whatIsNotAnXidIsRefused() {
        for (String notAnXid : new String[] {"entente:1:5", "entente:1:1:1", "entente:x:1:1:tpk0ed", "entente:1:1:1:TPK0ED",
            "entente:1:1:1:tpk0ed:1", ":1:1:1:tpk0ed", "entente 1:1:1:1:tpk0ed"}) {
            assertThat(Xids.isWellFormed(notAnXid)).as(notAnXid).isFalse();
        }
        assertThatThrownBy(() -> Xids.term("entente:1:5")).isInstanceOf(IllegalArgumentException.class);
    }
}
