package dev.xiaozhi.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.model.TokenHash;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Verifies token hashes and generated tokens. */
class TokenHashTest {

    /** Verifies that a hash round-trips through its text form and matches only its own token. */
    @Test
    void hashesParsesAndMatches() {
        TokenHash hash = TokenHash.ofPlain("xzr_secret");

        TokenHash parsed = TokenHash.parse(hash.toString().toUpperCase().replace("SHA256:", "sha256:"));

        assertThat(hash.toString()).startsWith("sha256:").hasSize(7 + 64).doesNotContain("secret");
        assertThat(parsed).isEqualTo(hash).hasSameHashCodeAs(hash);
        assertThat(hash.matches("xzr_secret")).isTrue();
        assertThat(hash.matches("xzr_secreT")).isFalse();
    }

    /** Verifies that stored hash texts compare equal only when they are, and never with a missing one. */
    @Test
    void comparesStoredHashTexts() {
        String hash = TokenHash.ofPlain("xzr_secret").toString();

        assertThat(TokenHash.sameText(hash, TokenHash.ofPlain("xzr_secret").toString())).isTrue();
        assertThat(TokenHash.sameText(hash, TokenHash.ofPlain("xzr_secreT").toString())).isFalse();
        assertThat(TokenHash.sameText(hash, null)).isFalse();
        assertThat(TokenHash.sameText(null, null)).isFalse();
    }

    /** Verifies that malformed hashes are refused without repeating the input. */
    @Test
    void refusesMalformedHashes() {
        assertThatThrownBy(() -> TokenHash.parse("xzr_plain_token_pasted_by_mistake"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected sha256:<64 hex digits>");
        assertThatThrownBy(() -> TokenHash.parse("sha256:abc")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Verifies that generated tokens carry the prefix and 256 random bits. */
    @Test
    void generatesPrefixedRandomTokens() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add(Tokens.generateToken());
        }

        assertThat(tokens).hasSize(1000).allMatch(token -> token.matches("^xzr_[A-Za-z0-9_-]{43}$"));
    }
}
