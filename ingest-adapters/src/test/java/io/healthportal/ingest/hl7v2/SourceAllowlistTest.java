package io.healthportal.ingest.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceAllowlistTest {

    @Test
    void matchesAddressesAndCidrBlocksOfBothFamilies() throws Exception {
        SourceAllowlist allowlist = new SourceAllowlist(List.of("10.20.0.0/16", "192.0.2.7", "2001:db8::/32"));
        assertThat(allowlist.allows(InetAddress.getByName("10.20.255.1"))).isTrue();
        assertThat(allowlist.allows(InetAddress.getByName("10.21.0.1"))).isFalse();
        assertThat(allowlist.allows(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(allowlist.allows(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(allowlist.allows(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(allowlist.allows(InetAddress.getByName("2001:db9::5"))).isFalse();
    }

    @Test
    void anEmptyListAllowsAnySource() throws Exception {
        assertThat(new SourceAllowlist(List.of()).allows(InetAddress.getByName("203.0.113.9")))
                .isTrue();
        assertThat(new SourceAllowlist(null).allows(InetAddress.getByName("203.0.113.9")))
                .isTrue();
    }

    @Test
    void refusesHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> new SourceAllowlist(List.of("lab.example.com")))
                .hasMessageContaining("INGEST-MLLP-ALLOWLIST");
        assertThatThrownBy(() -> new SourceAllowlist(List.of("10.0.0.0/33")))
                .hasMessageContaining("INGEST-MLLP-ALLOWLIST");
    }
}
