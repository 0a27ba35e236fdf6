package io.jlibp2p.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.TransportListener;
import io.jlibp2p.transport.websocket.internal.WsFrames;
import io.jlibp2p.transport.websocket.internal.WsHandshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile peers on real sockets: every bad frame or handshake ends in a clear exception and a
 * closed connection, never a hang.
 */
@Timeout(30)
class WebSocketHostileTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Short enough that the silent clients are dropped quickly, long enough for a stalled machine. */
  private final WebSocketTransport transport =
      new WebSocketTransport(WebSocketTransport.Config.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(2)));
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() {
    transport.close();
    threads.shutdownNow();
  }

  /** Reads an HTTP head byte by byte. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  /** Reads everything until the peer closes; fails the test if that takes more than 5 s. */
  private static byte[] readUntilClosed(Socket s) throws IOException {
    s.setSoTimeout(5000);
    return s.getInputStream().readAllBytes();
  }

  /** An evil server answering each request with {@code answer(key)} and then {@code frames}. */
  private Future<byte[]> evilServer(ServerSocket server, Function<String, String> answer, byte[] frames) {
    return threads.submit(() -> {
      try (Socket s = server.accept()) {
        String key = header(readHead(s.getInputStream()), "Sec-WebSocket-Key");
        OutputStream out = s.getOutputStream();
        out.write(answer.apply(key).getBytes(StandardCharsets.ISO_8859_1));
        out.write(frames);
        out.flush();
        return readUntilClosed(s);
      }
    });
  }

  private static String ok(String key) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + WsHandshake.accept(key) + "\r\n\r\n";
  }

  private static Multiaddr wsAddress(ServerSocket s) {
    return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + s.getLocalPort() + "/ws");
  }

  private static ServerSocket loopbackServer() throws IOException {
    return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
  }

  @Test
  void clientReadingAHostileFrameSendsACloseAndCloses() throws Exception {
    try (ServerSocket server = loopbackServer()) {
      byte[] masked = {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5}; // servers must not mask
      Future<byte[]> seen = evilServer(server, WebSocketHostileTest::ok, masked);
      RawConnection c = transport.dial(wsAddress(server), TIMEOUT);
      assertThatThrownBy(() -> c.in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("masked frame from a server");
      byte[] got = seen.get(10, TimeUnit.SECONDS);
      // one masked close frame with status 1002, then the end of the connection
      assertThat(got[0] & 0xFF).isEqualTo(0x88);
      assertThat(got[1] & 0x80).isEqualTo(0x80);
      int len = got[1] & 0x7F;
      assertThat(got).hasSize(6 + len);
      byte[] payload = java.util.Arrays.copyOfRange(got, 6, 6 + len);
      int key = ((got[2] & 0xFF) << 24) | ((got[3] & 0xFF) << 16) | ((got[4] & 0xFF) << 8) | (got[5] & 0xFF);
      WsFrames.mask(payload, 0, len, key, 0);
      assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(WsFrames.CLOSE_PROTOCOL_ERROR);
      assertThatThrownBy(() -> c.out().write(1)).isInstanceOf(IOException.class);
      c.close();
    }
  }

  @Test
  void clientAnswersPingsAndSeesTheServersClose() throws Exception {
    try (ServerSocket server = loopbackServer()) {
      byte[] frames = {(byte) 0x89, 2, 'h', 'i', (byte) 0x82, 1, 42, (byte) 0x88, 2, 0x03, (byte) 0xE8};
      Future<byte[]> seen = evilServer(server, WebSocketHostileTest::ok, frames);
      RawConnection c = transport.dial(wsAddress(server), TIMEOUT);
      assertThat(c.in().read()).isEqualTo(42);
      assertThat(c.in().read()).isEqualTo(-1);
      c.close();
      byte[] got = seen.get(10, TimeUnit.SECONDS);
      // a masked pong "hi", then a masked close 1000
      assertThat(got[0] & 0xFF).isEqualTo(0x8A);
      assertThat(got[1] & 0xFF).isEqualTo(0x82);
      byte[] pong = {got[6], got[7]};
      WsFrames.mask(pong, 0, 2, ((got[2] & 0xFF) << 24) | ((got[3] & 0xFF) << 16) | ((got[4] & 0xFF) << 8) | (got[5] & 0xFF), 0);
      assertThat(new String(pong, StandardCharsets.US_ASCII)).isEqualTo("hi");
      assertThat(got[8] & 0xFF).isEqualTo(0x88);
    }
  }

  @Test
  void clientRefusesBadHandshakeAnswers() throws Exception {
    record Case(Function<String, String> answer, String message) {}
    Case[] cases = {
        new Case(k -> ok(k).replace(WsHandshake.accept(k), WsHandshake.accept(k + "x")), "Sec-WebSocket-Accept"),
        new Case(k -> ok(k).replace("Sec-WebSocket-Accept: " + WsHandshake.accept(k) + "\r\n", ""), "Sec-WebSocket-Accept missing"),
        new Case(k -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "server answered HTTP/1.1 200 OK"),
        new Case(k -> ok(k).replace("Upgrade: websocket\r\n", ""), "Upgrade: websocket"),
        new Case(k -> "HTTP/1.1 101 Switching Protocols\r\n" + "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(300), "longer than 8192 bytes"),
        new Case(k -> ok(k).replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"), "extensions"),
    };
    for (Case c : cases) {
      try (ServerSocket server = loopbackServer()) {
        Future<byte[]> seen = evilServer(server, c.answer(), new byte[0]);
        assertThatThrownBy(() -> transport.dial(wsAddress(server), TIMEOUT))
            .isInstanceOf(ProtocolViolationException.class)
            .hasMessageContaining(c.message());
        seen.get(10, TimeUnit.SECONDS); // the client closed the socket
      }
    }
  }

  @Test
  void clientGivesUpOnASilentServerAtTheDialTimeout() throws Exception {
    try (ServerSocket server = loopbackServer()) {
      Future<byte[]> seen = threads.submit(() -> {
        try (Socket s = server.accept()) {
          return readUntilClosed(s);
        }
      });
      long start = System.nanoTime();
      assertThatThrownBy(() -> transport.dial(wsAddress(server), Duration.ofSeconds(1)))
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(8));
      assertThat(new String(seen.get(10, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1)).startsWith("GET / HTTP/1.1\r\n");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // hostile clients against our listener

  private static Socket connect(TransportListener l) throws IOException {
    int port = Integer.parseInt(l.localAddress().valueOf(Multiaddr.Protocol.TCP).orElseThrow());
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(5000);
    return s;
  }

  private static final String GOOD_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void serverRefusesBadRequestsAndKeepsAccepting() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
    String[][] cases = {
        {GOOD_REQUEST.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), "HTTP/1.1 400 "},
        {GOOD_REQUEST.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="), "HTTP/1.1 400 "},
        {GOOD_REQUEST.replace("Version: 13", "Version: 8"), "HTTP/1.1 426 "},
        {GOOD_REQUEST.replace("GET", "POST"), "HTTP/1.1 405 "},
        {GOOD_REQUEST.replace("Upgrade: websocket\r\n", ""), "HTTP/1.1 400 "},
        {"GARBAGE\r\n\r\n", "HTTP/1.1 400 "},
        {GOOD_REQUEST.replace("Host: x\r\n", "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(400)), ""},
        {"", ""}, // silent: dropped at the handshake timeout
    };
    for (String[] c : cases) {
      try (Socket s = connect(l)) {
        s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
        String answer = new String(readUntilClosed(s), StandardCharsets.ISO_8859_1);
        assertThat(answer).as(c[0]).startsWith(c[1]);
      }
    }
    // none of them was accepted; a good client still is
    Future<RawConnection> accepted = threads.submit(l::accept);
    try (RawConnection d = transport.dial(l.localAddress(), TIMEOUT)) {
      d.out().write(5);
      d.out().flush();
      try (RawConnection a = accepted.get(10, TimeUnit.SECONDS)) {
        assertThat(a.in().read()).isEqualTo(5);
      }
    }
  }

  /** A raw socket that sent the RFC's sample request and checked the answer. */
  private static Socket upgradedRawClient(TransportListener l) throws IOException {
    Socket s = connect(l);
    s.getOutputStream().write(GOOD_REQUEST.getBytes(StandardCharsets.ISO_8859_1));
    String head = readHead(s.getInputStream());
    assertThat(head).startsWith("HTTP/1.1 101 ");
    assertThat(header(head, "Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); // RFC 6455 section 1.3
    return s;
  }

  @Test
  void serverReadingAnUnmaskedFrameSendsACloseAndCloses() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
    Future<RawConnection> accepted = threads.submit(l::accept);
    try (Socket s = upgradedRawClient(l)) {
      s.getOutputStream().write(new byte[] {(byte) 0x82, 1, 7}); // clients must mask
      RawConnection a = accepted.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> a.in().read())
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("unmasked frame from a client");
      byte[] got = readUntilClosed(s);
      assertThat(got).startsWith(0x88, got[1], 0x03, 0xEA); // unmasked close, status 1002
      a.close();
    }
  }

  @Test
  void serverAnswersAFragmentedMaskedStream() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
    Future<RawConnection> accepted = threads.submit(l::accept);
    try (Socket s = upgradedRawClient(l)) {
      // "ab" in a binary frame without FIN, a ping, then "c" in a final continuation frame; zero key
      s.getOutputStream().write(new byte[] {0x02, (byte) 0x82, 0, 0, 0, 0, 'a', 'b',
          (byte) 0x89, (byte) 0x80, 0, 0, 0, 0, (byte) 0x80, (byte) 0x81, 0, 0, 0, 0, 'c'});
      RawConnection a = accepted.get(10, TimeUnit.SECONDS);
      assertThat(a.in().readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().readNBytes(2)).containsExactly(0x8A, 0); // the pong
      a.close();
      assertThat(readUntilClosed(s)).startsWith(0x88, 2, 0x03, 0xE8);
    }
  }
}
