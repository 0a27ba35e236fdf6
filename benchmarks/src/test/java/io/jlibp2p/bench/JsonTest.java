package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsWhatPerfMjsPrints() {
    Map<String, Object> m = Json.parse(
        "{\"event\":\"ready\",\"addrs\":[\"/ip4/127.0.0.1/tcp/1/p2p/12D3\"],\"uploadSeconds\":1.5e-3,\"ok\":true,\"x\":null}");
    assertThat(m).containsEntry("event", "ready").containsEntry("uploadSeconds", 1.5e-3).containsEntry("ok", true);
    assertThat(m.get("addrs")).isEqualTo(List.of("/ip4/127.0.0.1/tcp/1/p2p/12D3"));
  }

  @Test
  void roundTripsAgentReplies() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("addr", "/ip4/1.2.3.4/tcp/5 \"q\"");
    m.put("n", 42L);
    assertThat(Json.parse(Json.object(m))).containsEntry("addr", "/ip4/1.2.3.4/tcp/5 \"q\"").containsEntry("n", 42.0);
  }

  @Test
  void rejectsWhatIsNotAnObject() {
    assertThatThrownBy(() -> Json.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
  }
}
