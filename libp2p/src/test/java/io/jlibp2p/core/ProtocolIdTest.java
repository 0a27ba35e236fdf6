package io.jlibp2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProtocolIdTest {
  @Test
  void acceptsSlashPrefixed() {
    assertThat(ProtocolId.of("/ipfs/ping/1.0.0").value()).isEqualTo("/ipfs/ping/1.0.0");
  }

  @Test
  void rejectsMalformed() {
    assertThatThrownBy(() -> ProtocolId.of("ping")).hasMessageContaining("starts with '/'");
    assertThatThrownBy(() -> ProtocolId.of("/a\n")).hasMessageContaining("newline");
    assertThatThrownBy(() -> ProtocolId.of("/" + "x".repeat(ProtocolId.MAX_LENGTH)))
        .hasMessageContaining("at most");
  }
}
