package io.jlibp2p.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WsHandshakeTest {
  @Test
  void headerNamesAreLowerCasedAndValuesTrimmed() throws Exception {
    WsHandshake.Head h =
        WsHandshake.parse("GET / HTTP/1.1\r\nUpgrade:  websocket \r\nX-A: 1\r\nx-a: 2\r\n\r\n");
    assertThat(h.startLine()).isEqualTo("GET / HTTP/1.1");
    assertThat(h.headers()).isEqualTo(Map.of("upgrade", "websocket", "x-a", "1, 2"));
  }

  /** A header name must be a token: control characters or whitespace are refused, not trimmed. */
  @ParameterizedTest
  @ValueSource(strings = {"\u0004: 13", "\u0000Upgrade: websocket", "Upgrade : websocket",
      " Upgrade: websocket", "Up grade: websocket", "Upgrade\u007f: websocket",
      "(Upgrade): websocket", ": websocket"})
  void headerNameThatIsNotATokenIsRefused(String line) {
    assertThatThrownBy(() -> WsHandshake.parse("GET / HTTP/1.1\r\n" + line + "\r\n\r\n"))
        .isInstanceOfSatisfying(
            WsHandshake.Refused.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("malformed header line");
  }

  /** The limit counts the blank line: a head of exactly the limit is read, one byte more is not. */
  @ParameterizedTest
  @ValueSource(ints = {256, 300, 1024})
  void httpHeadLimitIncludesTheBlankLine(int maxBytes) throws IOException {
    assertThat(readHead(head(maxBytes), maxBytes)).hasSize(maxBytes);
    assertThatThrownBy(() -> readHead(head(maxBytes + 1), maxBytes))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("longer than " + maxBytes + " bytes");
  }

  /** A request head of exactly {@code length} bytes. */
  private static String head(int length) {
    String start = "GET / HTTP/1.1\r\nX: ";
    return start + "a".repeat(length - start.length() - 4) + "\r\n\r\n";
  }

  private static String readHead(String head, int maxBytes) throws IOException {
    byte[] wire = (head + "trailing frame bytes").getBytes(StandardCharsets.ISO_8859_1);
    WsInput in = new WsInput(
        new ByteArrayInputStream(wire), true, 1024, 4096, new WsFramesTest.RecordingPeer());
    return in.readHttpHead(maxBytes, () -> {});
  }
}
