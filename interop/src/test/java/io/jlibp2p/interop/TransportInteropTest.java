package io.jlibp2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.cli.Main;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The libp2p/test-plans transport-interop contract, run without containers: a Redis server on
 * loopback, {@code jlibp2p transport-interop} on one side and js-libp2p's {@code
 * transport-interop.mjs} on the other, in both roles.
 */
@Timeout(120)
class TransportInteropTest {
  private static final Pattern RESULT =
      Pattern.compile("\\{\"handshakePlusOneRTTMillis\": ?([0-9.]+), ?\"pingRTTMilllis\": ?([0-9.]+)}");
  private static Process redis;
  private static int redisPort;

  @BeforeAll
  static void startRedis() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      redisPort = s.getLocalPort();
    }
    redis =
        new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      try (Socket s = new Socket("127.0.0.1", redisPort)) {
        return true;
      }
    });
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Empties the contract's {@code listenerAddr} list, so that an address a failed case left behind
   * cannot send the next case's dialer to a listener that is gone.
   */
  @BeforeEach
  void clearListenerAddress() throws IOException {
    try (Socket s = new Socket("127.0.0.1", redisPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("*2\r\n$3\r\nDEL\r\n$12\r\nlistenerAddr\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] reply = s.getInputStream().readNBytes(4); // ":0\r\n" or ":1\r\n"
      assertThat(new String(reply, StandardCharsets.US_ASCII)).matches(":[01]\r\n");
    }
  }

  private static ProcessBuilder jlibp2p() {
    return new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-modules=jdk.incubator.vector",
        "-cp",
        System.getProperty("java.class.path"),
        Main.class.getName(),
        "transport-interop");
  }

  private static ProcessBuilder js() {
    String node = System.getProperty("interop.node");
    File dir = new File(System.getProperty("interop.jsDir"));
    return new ProcessBuilder(node, "transport-interop.mjs").directory(dir);
  }

  @ParameterizedTest(name = "{0}/{1}/{2}, jlibp2p dials: {3}")
  @CsvSource({
    "tcp, noise, yamux, true", "tcp, noise, yamux, false",
    "tcp, noise, mplex, true", "tcp, noise, mplex, false",
    "tcp, tls, yamux, true", "tcp, tls, yamux, false",
    "tcp, tls, mplex, true", "tcp, tls, mplex, false",
    "ws, noise, yamux, true", "ws, noise, yamux, false",
    "ws, tls, mplex, true", "ws, tls, mplex, false",
    "quic-v1, none, none, true", "quic-v1, none, none, false",
  })
  void contract(String transport, String security, String muxer, boolean javaDials) throws Exception {
    ProcessBuilder listener = javaDials ? js() : jlibp2p();
    ProcessBuilder dialer = javaDials ? jlibp2p() : js();
    Map<String, String> env = Map.of(
        "transport", transport, "security", security, "muxer", muxer, "ip", "127.0.0.1",
        "redis_addr", "127.0.0.1:" + redisPort, "test_timeout_seconds", "60");
    listener.environment().putAll(env);
    listener.environment().put("is_dialer", "false");
    dialer.environment().putAll(env);
    dialer.environment().put("is_dialer", "true");
    Process l = listener.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    try {
      Process d = dialer.redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(d.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(d.exitValue()).as("dialer exit, stdout: %s", out).isZero();
      List<String> lines = new ArrayList<>(out.lines().filter(s -> !s.isBlank()).toList());
      assertThat(lines).as("the dialer prints exactly one line on stdout").hasSize(1);
      Matcher m = RESULT.matcher(lines.getFirst().trim());
      assertThat(m.matches()).as(lines.getFirst()).isTrue();
      double handshake = Double.parseDouble(m.group(1));
      double ping = Double.parseDouble(m.group(2));
      assertThat(handshake).isPositive().isGreaterThanOrEqualTo(ping);
      System.err.printf("transport-interop %s/%s/%s jlibp2p-dials=%s: handshakePlusOneRTT=%.3f ms ping=%.3f ms%n",
          transport, security, muxer, javaDials, handshake, ping);
    } finally {
      l.destroy();
      l.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
