package io.jlibp2p.security.noise.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the Noise_XX_25519_ChaChaPoly_SHA256 vectors (see the resource file for their sources)
 * through two handshake states, then the transport messages through the split cipher states.
 */
class XXHandshakeStateVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  record Vector(String source, Map<String, String> fields, List<byte[][]> messages) {}

  static List<Vector> load() throws IOException {
    List<Vector> vectors = new ArrayList<>();
    try (InputStream in =
        XXHandshakeStateVectorsTest.class.getResourceAsStream(
            "/io/jlibp2p/security/noise/xx_25519_chachapoly_sha256.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Vector current = null;
      byte[] payload = null;
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1).trim();
        switch (key) {
          case "vector" -> {
            current = new Vector(value, new LinkedHashMap<>(), new ArrayList<>());
            vectors.add(current);
          }
          case "payload" -> payload = HEX.parseHex(value);
          case "ciphertext" -> current.messages().add(new byte[][] {payload, HEX.parseHex(value)});
          default -> current.fields().put(key, value);
        }
      }
    }
    return vectors;
  }

  @Test
  void vectorsPass() throws Exception {
    List<Vector> vectors = load();
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(2);
    for (Vector v : vectors) {
      Map<String, String> f = v.fields();
      XXHandshakeState init =
          new XXHandshakeState(
              true,
              HEX.parseHex(f.get("init_prologue")),
              HEX.parseHex(f.get("init_static")),
              HEX.parseHex(f.get("init_ephemeral")),
              new SecureRandom());
      XXHandshakeState resp =
          new XXHandshakeState(
              false,
              HEX.parseHex(f.get("resp_prologue")),
              HEX.parseHex(f.get("resp_static")),
              HEX.parseHex(f.get("resp_ephemeral")),
              new SecureRandom());
      CipherState[] initCs = null;
      CipherState[] respCs = null;
      for (int i = 0; i < v.messages().size(); i++) {
        byte[] payload = v.messages().get(i)[0];
        byte[] expected = v.messages().get(i)[1];
        boolean fromInit = i % 2 == 0;
        if (i < XXHandshakeState.MESSAGES) {
          XXHandshakeState writer = fromInit ? init : resp;
          XXHandshakeState reader = fromInit ? resp : init;
          byte[] ct = writer.writeMessage(payload);
          assertThat(HEX.formatHex(ct)).as(v.source() + " message " + i).isEqualTo(HEX.formatHex(expected));
          assertThat(reader.readMessage(ct, 0, ct.length)).isEqualTo(payload);
          if (i == XXHandshakeState.MESSAGES - 1) {
            assertThat(init.handshakeHash()).isEqualTo(resp.handshakeHash());
            if (f.containsKey("handshake_hash")) {
              assertThat(HEX.formatHex(init.handshakeHash())).isEqualTo(f.get("handshake_hash"));
            }
            initCs = init.split();
            respCs = resp.split();
          }
        } else {
          CipherState sender = fromInit ? initCs[0] : respCs[0];
          CipherState receiver = fromInit ? respCs[1] : initCs[1];
          byte[] ct = sender.encryptWithAd(new byte[0], payload);
          assertThat(HEX.formatHex(ct)).as(v.source() + " message " + i).isEqualTo(HEX.formatHex(expected));
          assertThat(receiver.decryptWithAd(new byte[0], ct, 0, ct.length)).isEqualTo(payload);
        }
      }
      assertThat(init.remoteStaticPublic()).isEqualTo(resp.localStaticPublic());
      assertThat(resp.remoteStaticPublic()).isEqualTo(init.localStaticPublic());
    }
  }
}
