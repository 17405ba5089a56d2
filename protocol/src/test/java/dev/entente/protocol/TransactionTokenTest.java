package dev.entente.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TransactionTokenTest {

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final String XID = "entente-kq7ts8zt3s:4:2:1b:tpk0ed";

    @Test
    void aTokenIsTheXidsMacUnderItsSessionKeyIn22UrlSafeCharacters() {
        String token = TransactionToken.of(KEY, XID);

        assertThat(token).hasSize(TransactionToken.LENGTH).matches("[A-Za-z0-9_-]{22}");
        assertThat(TransactionToken.isWellFormed(token)).isTrue();
        assertThat(TransactionToken.of(KEY, XID)).as("the same for the same key and XID").isEqualTo(token);
        assertThat(TransactionToken.matches(KEY, XID, token)).isTrue();
    }

    @Test
    void aTokenProvesNothingForAnotherXidOrUnderAnotherKey() {
        String token = TransactionToken.of(KEY, XID);

        assertThat(TransactionToken.matches(KEY, "entente-kq7ts8zt3s:4:2:1c:tpk0ed", token)).isFalse();
        assertThat(TransactionToken.matches(TransactionToken.newSessionKey(), XID, token)).isFalse();
        assertThat(TransactionToken.matches(KEY, XID, "")).isFalse();
        assertThat(TransactionToken.matches(KEY, XID, token + "A")).isFalse();
        assertThat(TransactionToken.matches(KEY, XID, (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1))).isFalse();
    }

    @Test
    void onlyATokensFormIsWellFormed() {
        assertThat(TransactionToken.isWellFormed(null)).isFalse();
        assertThat(TransactionToken.isWellFormed("")).isFalse();
        assertThat(TransactionToken.isWellFormed("a".repeat(21))).isFalse();
        assertThat(TransactionToken.isWellFormed("a".repeat(21) + "=")).isFalse();
        assertThat(TransactionToken.isWellFormed("a".repeat(21) + "\n")).isFalse();
        assertThat(TransactionToken.newSessionKey()).hasSize(TransactionToken.KEY_BYTES).isNotEqualTo(TransactionToken.newSessionKey());
    }
}
