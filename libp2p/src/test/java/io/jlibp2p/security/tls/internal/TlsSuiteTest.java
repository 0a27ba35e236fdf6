package io.jlibp2p.security.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The TLS 1.3 key schedule against the trace of RFC 8448 ("Example Handshake Traces for TLS 1.3"),
 * section 3, "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256, X25519): the values below are that
 * trace's.
 */
class TlsSuiteTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final TlsSuite SUITE = TlsSuite.AES_128_GCM_SHA256;

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  private static String key(byte[] trafficSecret) {
    return hex(SUITE.expandLabel(trafficSecret, "key", new byte[0], SUITE.keyLength));
  }

  private static String iv(byte[] trafficSecret) {
    return hex(SUITE.expandLabel(trafficSecret, "iv", new byte[0], TlsSuite.IV_LENGTH));
  }

  @Test
  void theKeyScheduleMatchesRfc8448sSimpleHandshake() {
    // {server} extract secret "handshake": the X25519 shared secret
    TlsSuite.Schedule schedule =
        new TlsSuite.Schedule(SUITE, hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d"));
    // hash of ClientHello and ServerHello
    byte[][] handshake =
        schedule.handshakeTrafficSecrets(hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8"));
    assertThat(hex(handshake[0])).isEqualTo("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
    assertThat(hex(handshake[1])).isEqualTo("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    assertThat(key(handshake[1])).isEqualTo("3fce516009c21727d0f2e4e86ee403bc");
    assertThat(iv(handshake[1])).isEqualTo("5d313eb2671276ee13000b30");
    assertThat(key(handshake[0])).isEqualTo("dbfaa693d1762c5b666af5d950258d01");
    assertThat(iv(handshake[0])).isEqualTo("5bd3c71b836e0b76bb73265f");
    assertThat(hex(SUITE.expandLabel(handshake[1], "finished", new byte[0], 32)))
        .isEqualTo("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");
    assertThat(hex(SUITE.expandLabel(handshake[0], "finished", new byte[0], 32)))
        .isEqualTo("b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4");

    // hash of ClientHello .. server Finished
    byte[] throughServerFinished = hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");
    byte[][] application = schedule.applicationTrafficSecrets(throughServerFinished);
    assertThat(hex(application[0])).isEqualTo("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");
    assertThat(hex(application[1])).isEqualTo("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
    assertThat(key(application[0])).isEqualTo("17422dda596ed5d9acd890e3c63f5051");
    assertThat(iv(application[0])).isEqualTo("5b78923dee08579033e523d9");
    assertThat(key(application[1])).isEqualTo("9f02283b6c9c07efc26bb9f2ac92e356");

    // {client} calculate finished "tls13 finished": the client's verify_data
    assertThat(hex(SUITE.finished(handshake[0], throughServerFinished)))
        .isEqualTo("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
  }
}
