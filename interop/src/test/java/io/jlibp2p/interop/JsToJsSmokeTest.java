package io.jlibp2p.interop;

import static io.jlibp2p.interop.JsPeer.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves the js test harness end to end with two js-libp2p peers talking to each other: every
 * command of peer.mjs that the jlibp2p interop tests rely on is exercised once per security and
 * muxer pair.
 */
class JsToJsSmokeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int MIB = 1 << 20;

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"noise, yamux, /noise, /yamux/1.0.0", "plaintext, mplex, /plaintext/2.0.0, /mplex/6.7.0"})
  void harnessDrivesTwoJsPeers(String security, String muxer, String securityId, String muxerId) {
    JsPeer.Options options = JsPeer.options().security(security).muxer(muxer);
    try (JsPeer a = JsPeer.start(options);
        JsPeer b = JsPeer.start(options.keyType("secp256k1"))) {
      JsonNode dial = a.call("dial", Map.of("addr", b.addrs().getFirst()), WAIT);
      assertThat(dial.path("peer").asText()).isEqualTo(b.peerId());
      assertThat(dial.path("security").asText()).isEqualTo(securityId);
      assertThat(dial.path("muxer").asText()).isEqualTo(muxerId);
      b.awaitEvent("peer:connect", field("peer", a.peerId()), WAIT);

      // identify runs on connect; once js reported it, its peer store knows the remote
      JsonNode identified = a.awaitEvent("peer:identify", field("peer", b.peerId()), WAIT);
      assertThat(strings(identified.path("protocols")))
          .contains("/echo/1.0.0", "/reset/1.0.0", "/hold/1.0.0", "/ipfs/ping/1.0.0", "/ipfs/id/1.0.0");
      JsonNode info = a.call("identify-info", Map.of("peer", b.peerId()), WAIT);
      assertThat(info.path("agentVersion").asText()).startsWith("js-libp2p/");
      assertThat(info.path("protocolVersion").asText()).isNotEmpty();
      assertThat(strings(info.path("protocols"))).contains("/echo/1.0.0");
      assertThat(strings(info.path("addresses"))).isNotEmpty();

      JsonNode ping = a.call("ping", Map.of("peer", b.peerId()), WAIT);
      assertThat(ping.path("rttMs").asDouble(-1)).isGreaterThanOrEqualTo(0);
      assertThat(ping.path("elapsedMs").asDouble(-1)).isGreaterThan(0);

      JsonNode echo = a.call("echo", Map.of("peer", b.peerId(), "size", MIB, "streams", 3), WAIT);
      assertThat(echo.path("bytesSent").asLong()).isEqualTo(3L * MIB);
      assertThat(echo.path("bytesReceived").asLong()).isEqualTo(3L * MIB);

      JsonNode reset = a.call("reset-test", Map.of("peer", b.peerId()), WAIT);
      assertThat(reset.path("how").asText()).isEqualTo("reset");

      // a stream the opener closes ends with EOF on both sides
      long mark = b.eventCount();
      JsonNode hold = a.call("open-hold", Map.of("peer", b.peerId()), WAIT);
      a.call("close-write", Map.of("handle", hold.path("handle").asLong()), WAIT);
      JsonNode ended = b.awaitEvent(e -> "hold-ended".equals(e.path("event").asText()), WAIT, mark);
      assertThat(ended.path("how").asText()).isEqualTo("eof");
      assertThat(ended.path("peer").asText()).isEqualTo(a.peerId());
      JsonNode end = a.call("await-stream-end", Map.of("handle", hold.path("handle").asLong()), WAIT);
      assertThat(end.path("how").asText()).isEqualTo("eof");

      // a stream the opener resets is seen as reset by the handler
      mark = b.eventCount();
      JsonNode hold2 = a.call("open-hold", Map.of("peer", b.peerId()), WAIT);
      a.call("reset-stream", Map.of("handle", hold2.path("handle").asLong()), WAIT);
      JsonNode ended2 = b.awaitEvent(e -> "hold-ended".equals(e.path("event").asText()), WAIT, mark);
      assertThat(ended2.path("how").asText()).isEqualTo("reset");

      a.call("close-connection", Map.of("peer", b.peerId()), WAIT);
      a.awaitEvent("peer:disconnect", field("peer", b.peerId()), WAIT);
      b.awaitEvent("peer:disconnect", field("peer", a.peerId()), WAIT);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bogus-command", "echo"})
  void badCommandsGetErrorRepliesAndThePeerKeepsRunning(String cmd) {
    try (JsPeer a = JsPeer.start()) {
      assertThatThrownBy(() -> a.call(cmd, Map.of("peer", "not-a-peer-id"), WAIT))
          .isInstanceOf(JsPeer.CommandFailedException.class);
      assertThat(a.call("connections", Map.of(), WAIT).path("connections").isArray()).isTrue();
      assertThat(a.isAlive()).isTrue();
    }
  }

  @Test
  void aDeadNodeFailsCallsAndWaitsClearly() throws Exception {
    try (JsPeer a = JsPeer.start()) {
      ProcessHandle node = ProcessHandle.of(a.pid()).orElseThrow();
      node.destroyForcibly();
      node.onExit().get();
      assertThatThrownBy(() -> a.call("connections", Map.of(), WAIT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("died");
      assertThatThrownBy(() -> a.awaitEvent("peer:connect", e -> true, WAIT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("died");
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
