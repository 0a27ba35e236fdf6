package io.jlibp2p.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the command as a separate process, as a user would. */
@Timeout(120)
class CliTest {
  @TempDir Path dir;

  private static ProcessBuilder jlibp2p(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED"); // QUIC's native library, as ./jlibp2p does
    cmd.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"); // socket I/O with no copy, as ./jlibp2p does
    cmd.add("--add-modules=jdk.incubator.vector"); // the vector Poly1305, as ./jlibp2p does
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** Runs a command to its end (at most 60 s) and returns its output lines, stdout and stderr merged. */
  private static List<String> run(ProcessBuilder pb, int expectedExit) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    try {
      BlockingQueue<String> lines = linesOf(p.getInputStream());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command ended within 60 s").isTrue();
      List<String> out = new ArrayList<>();
      for (String l; (l = lines.poll(10, TimeUnit.SECONDS)) != END; ) {
        assertThat(l).as("the end of the output within 10 s").isNotNull();
        out.add(l);
      }
      assertThat(p.exitValue()).as(String.join("\n", out)).isEqualTo(expectedExit);
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  /** What the JVM prints on stderr at every start with the Vector API (README: JVM options). */
  private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

  /** What {@link #linesOf} queues after the last line. */
  private static final String END = new String("end of output");

  /**
   * The lines {@code in} will print but {@link #INCUBATOR_NOTICE}, then {@link #END}; read by a
   * virtual thread, so that a test waits for each with a deadline instead of blocking on a pipe
   * (which no timeout interrupts).
   */
  private static BlockingQueue<String> linesOf(java.io.InputStream in) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          if (!l.equals(INCUBATOR_NOTICE)) {
            lines.add(l);
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
      lines.add(END);
    });
    return lines;
  }

  /** The next line, waiting at most 60 s. */
  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String l = lines.poll(60, TimeUnit.SECONDS);
    assertThat(l).as("a line within 60 s").isNotNull().isNotSameAs(END);
    return l;
  }

  @Test
  void nodePrintsItsAddressesAnswersPingAndStopsOnSigterm() throws Exception {
    Path key = dir.resolve("node.key");
    Process node =
        jlibp2p("node", "--listen", "/ip4/127.0.0.1/tcp/0", "--key", key.toString(), "--echo")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BlockingQueue<String> r = linesOf(node.getInputStream());
      String idLine = next(r);
      assertThat(idLine).startsWith("peer id: ");
      String peerId = idLine.substring("peer id: ".length());
      String listening = next(r);
      assertThat(listening).startsWith("listening: /ip4/127.0.0.1/tcp/").endsWith("/p2p/" + peerId);

      List<String> id = run(jlibp2p("id", "--key", key.toString()), 0);
      assertThat(id).containsExactly(peerId);

      List<String> ping = run(jlibp2p("ping", listening.substring("listening: ".length()), "--count", "2"), 0);
      assertThat(ping).filteredOn(l -> l.startsWith("ping ")).hasSize(2)
          .allSatisfy(l -> assertThat(l).matches("ping \\d: .* rtt=\\d+\\.\\d{3} ms"));
    } finally {
      node.destroy(); // SIGTERM
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(node.exitValue()).isIn(0, 143);
  }

  @Test
  void nodeListensOnWebSocketAndPingDialsIt() throws Exception {
    Process node =
        jlibp2p("node", "--listen", "/ip4/127.0.0.1/tcp/0/ws", "--key", dir.resolve("ws.key").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BlockingQueue<String> r = linesOf(node.getInputStream());
      String peerId = next(r).substring("peer id: ".length());
      String listening = next(r);
      assertThat(listening).startsWith("listening: /ip4/127.0.0.1/tcp/").endsWith("/ws/p2p/" + peerId);
      List<String> ping = run(jlibp2p("ping", listening.substring("listening: ".length()), "--count", "2"), 0);
      assertThat(ping).filteredOn(l -> l.startsWith("ping ")).hasSize(2)
          .allSatisfy(l -> assertThat(l).matches("ping \\d: /ip4/127\\.0\\.0\\.1/tcp/\\d+/ws rtt=\\d+\\.\\d{3} ms"));
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void nodeListensOnSecureWebSocketWithASelfSignedCertificateAndPingTrustsIt() throws Exception {
    Path cert = dir.resolve("wss.pem");
    Process node =
        jlibp2p("node", "--listen", "/ip4/127.0.0.1/tcp/0/tls/ws", "--key", dir.resolve("wss.key").toString(),
                "--wss-cert-out", cert.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BlockingQueue<String> r = linesOf(node.getInputStream());
      assertThat(next(r)).startsWith("wss certificate: self-signed for localhost, 127.0.0.1");
      String peerId = next(r).substring("peer id: ".length());
      String listening = next(r);
      assertThat(listening).startsWith("listening: /ip4/127.0.0.1/tcp/").endsWith("/tls/ws/p2p/" + peerId);
      String address = listening.substring("listening: ".length());
      // the JDK's trust store does not know the certificate: refused
      List<String> refused = run(jlibp2p("ping", address, "--count", "1"), 1);
      assertThat(refused).anySatisfy(l -> assertThat(l).startsWith("ping failed: "));
      List<String> ping = run(jlibp2p("ping", address, "--count", "2", "--trust-cert", cert.toString()), 0);
      assertThat(ping).filteredOn(l -> l.startsWith("ping ")).hasSize(2)
          .allSatisfy(l -> assertThat(l).matches("ping \\d: /ip4/127\\.0\\.0\\.1/tcp/\\d+/tls/ws rtt=\\d+\\.\\d{3} ms"));
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void perfServerAnswersClientsOverTcpAndQuicOnOnePort() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process server = jlibp2p("perf", "--run-server", "--server-address", "127.0.0.1:" + port)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      BlockingQueue<String> err = linesOf(server.getErrorStream());
      // as the test-plans perf servers: TCP and QUIC-v1 on the same port, whatever --transport says
      assertThat(List.of(next(err), next(err))).satisfiesExactly(
          l -> assertThat(l).startsWith("perf server listening: /ip4/127.0.0.1/tcp/" + port + "/p2p/"),
          l -> assertThat(l).startsWith("perf server listening: /ip4/127.0.0.1/udp/" + port + "/quic-v1/p2p/"));
      for (String transport : List.of("tcp", "quic-v1")) {
        List<String> out = run(jlibp2p("perf", "--server-address", "127.0.0.1:" + port, "--transport", transport,
            "--upload-bytes", "10000000", "--download-bytes", "20000000"), 0);
        assertThat(out.getLast()).as(transport).matches(
            "\\{\"type\":\"final\",\"timeSeconds\":[0-9.]+,\"uploadBytes\":10000000,\"downloadBytes\":20000000}");
        assertThat(out).allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
      }
      // the server accepts TLS and mplex too, after its Noise and yamux
      List<String> tls = run(jlibp2p("perf", "--server-address", "127.0.0.1:" + port, "--security", "tls",
          "--muxer", "mplex", "--upload-bytes", "1000", "--download-bytes", "2000"), 0);
      assertThat(tls.getLast()).contains("\"uploadBytes\":1000,\"downloadBytes\":2000}");
      // a multiaddr chooses the transport itself
      List<String> out = run(jlibp2p("perf", "--server-address", "/ip4/127.0.0.1/udp/" + port + "/quic-v1",
          "--upload-bytes", "1000", "--download-bytes", "2000"), 0);
      assertThat(out.getLast()).contains("\"uploadBytes\":1000,\"downloadBytes\":2000}");
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void nodeListensOnQuicAndPingDialsIt() throws Exception {
    Path key = dir.resolve("quic.key");
    Process node =
        jlibp2p("node", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--listen", "/ip4/127.0.0.1/tcp/0",
                "--key", key.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BlockingQueue<String> r = linesOf(node.getInputStream());
      String peerId = next(r).substring("peer id: ".length());
      List<String> listening = List.of(next(r), next(r));
      assertThat(listening).anySatisfy(l -> assertThat(l).startsWith("listening: /ip4/127.0.0.1/tcp/"));
      String quic = listening.stream().filter(l -> l.contains("/udp/")).findFirst().orElseThrow();
      assertThat(quic).startsWith("listening: /ip4/127.0.0.1/udp/").endsWith("/quic-v1/p2p/" + peerId);
      List<String> ping = run(jlibp2p("ping", quic.substring("listening: ".length()), "--count", "2"), 0);
      assertThat(ping).filteredOn(l -> l.startsWith("ping ")).hasSize(2)
          .allSatisfy(l -> assertThat(l).matches("ping \\d: /ip4/127\\.0\\.0\\.1/udp/\\d+/quic-v1 rtt=\\d+\\.\\d{3} ms"));
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void nodeListensOnTcpAndQuicByDefault() {
    assertThat(NodeCommand.DEFAULT_LISTEN)
        .containsExactly("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1");
  }

  @Test
  void pingOfAnUnreachablePeerFailsWithOneLine() throws Exception {
    List<String> out = run(jlibp2p("ping", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", "--count", "1"), 1);
    assertThat(out).anySatisfy(l -> assertThat(l).startsWith("ping failed: "));
  }

  @Test
  void idOfAMissingKeyFileFailsClearly() throws Exception {
    List<String> out = run(jlibp2p("id", "--key", dir.resolve("missing.key").toString()), 1);
    assertThat(out).containsExactly("no key file: " + dir.resolve("missing.key"));
  }
}
