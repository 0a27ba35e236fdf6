package io.jlibp2p.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.host.Resources;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.TransportListener;
import io.jlibp2p.transport.tcp.TcpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transport conformance: dial, listen, echo, close, many connections, no leaks; ws and wss. */
@Timeout(60)
class WebSocketTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final WebSocketTransport transport = new WebSocketTransport(TestCertificates.config());
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() {
    transport.close();
    threads.shutdownNow();
  }

  /** Accepts connections and echoes each until its end; closes it then. */
  private TransportListener echoServer(String address) throws IOException {
    TransportListener l = transport.listen(Multiaddr.parse(address));
    threads.execute(() -> {
      while (true) {
        RawConnection c;
        try {
          c = l.accept();
        } catch (IOException e) {
          return;
        }
        threads.execute(() -> {
          try (c) {
            byte[] buf = new byte[70_000];
            int n;
            while ((n = c.in().read(buf)) > 0) {
              c.out().write(buf, 0, n);
              c.out().flush();
            }
          } catch (IOException ignored) {
            // the test sees it from the other side
          }
        });
      }
    });
    return l;
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code data} and reads it back concurrently, in uneven pieces. */
  private byte[] roundTrip(RawConnection c, byte[] data) throws Exception {
    Future<byte[]> back = threads.submit(() -> c.in().readNBytes(data.length));
    Random r = new Random(data.length);
    for (int off = 0; off < data.length; ) {
      int n = Math.min(data.length - off, 1 + r.nextInt(300_000));
      c.out().write(data, off, n);
      if (r.nextBoolean()) {
        c.out().flush();
      }
      off += n;
    }
    c.out().flush();
    return back.get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/tls/ws", "/ip4/127.0.0.1/tcp/0/wss",
      "/ip6/::1/tcp/0/ws"})
  void dialListenEcho(String listen) throws Exception {
    TransportListener l = echoServer(listen);
    Multiaddr la = l.localAddress();
    assertThat(la.toString()).doesNotContain("/tcp/0/").endsWith(listen.substring(listen.indexOf("/tcp/0") + 6));
    assertThat(transport.canDial(la)).isTrue();
    assertThat(new TcpTransport().canDial(la)).isFalse();
    try (RawConnection c = transport.dial(la, TIMEOUT)) {
      assertThat(c.isInitiator()).isTrue();
      assertThat(c.remoteAddress()).isEqualTo(la);
      byte[] small = {1, 2, 3};
      assertThat(roundTrip(c, small)).isEqualTo(small);
      byte[] big = random(5 * 1024 * 1024 + 3, 7);
      assertThat(roundTrip(c, big)).isEqualTo(big);
      // single bytes through read() and write(int)
      c.out().write(42);
      c.out().flush();
      assertThat(c.in().read()).isEqualTo(42);
    }
  }

  @Test
  void sniAndDnsAddressesDialWss() throws Exception {
    TransportListener l = echoServer("/ip4/127.0.0.1/tcp/0/tls/ws");
    int port = Integer.parseInt(l.localAddress().valueOf(Multiaddr.Protocol.TCP).orElseThrow());
    for (String a : List.of("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/localhost/ws",
        "/dns4/localhost/tcp/" + port + "/tls/ws", "/dns/localhost/tcp/" + port + "/wss")) {
      try (RawConnection c = transport.dial(Multiaddr.parse(a), TIMEOUT)) {
        assertThat(roundTrip(c, new byte[] {9, 8, 7})).containsExactly(9, 8, 7);
      }
    }
    // the certificate does not name "example.com": host name verification refuses it
    assertThatThrownBy(() -> transport.dial(
        Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/example.com/ws"), TIMEOUT))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void wssDialRefusesAnUntrustedCertificate() throws Exception {
    TransportListener l = echoServer("/ip4/127.0.0.1/tcp/0/tls/ws");
    WebSocketTransport jdkTrust = new WebSocketTransport();
    assertThatThrownBy(() -> jdkTrust.dial(l.localAddress(), TIMEOUT)).isInstanceOf(SSLException.class);
  }

  @Test
  void wssListenWithoutCertificateIsRefused() {
    WebSocketTransport plain = new WebSocketTransport();
    Multiaddr wss = Multiaddr.parse("/ip4/127.0.0.1/tcp/0/tls/ws");
    assertThat(plain.canListen(wss)).isTrue();
    assertThatThrownBy(() -> plain.listen(wss))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wss needs a server certificate");
  }

  @Test
  void addresses() {
    for (String ok : List.of("/ip4/1.2.3.4/tcp/1/ws", "/ip6/::1/tcp/1/ws", "/dns/a.b/tcp/443/wss",
        "/dns4/a.b/tcp/443/tls/ws", "/dns6/a.b/tcp/443/tls/sni/c.d/ws", "/ip4/1.2.3.4/tcp/1/ws/p2p/"
            + "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")) {
      assertThat(transport.canDial(Multiaddr.parse(ok))).as(ok).isTrue();
    }
    for (String no : List.of("/ip4/1.2.3.4/tcp/1", "/ip4/1.2.3.4/udp/1/ws", "/ip4/1.2.3.4/tcp/1/tls",
        "/ip4/1.2.3.4/tcp/1/ws/ws", "/ip4/1.2.3.4/tcp/1/tls/wss", "/ip4/1.2.3.4/tcp/1/sni/a/ws")) {
      assertThat(transport.canDial(Multiaddr.parse(no))).as(no).isFalse();
    }
    assertThat(transport.canListen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0/ws"))).isTrue();
    assertThat(transport.canListen(Multiaddr.parse("/dns4/a.b/tcp/0/ws"))).isFalse();
    assertThat(transport.canListen(Multiaddr.parse("/ip4/0.0.0.0/tcp/0/tls/sni/a.b/ws"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/tls/ws"})
  void closeIsSeenByTheOtherSideAndUnblocksReaders(String listen) throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse(listen));
    Future<RawConnection> accepted = threads.submit(l::accept);
    RawConnection d = transport.dial(l.localAddress(), TIMEOUT);
    RawConnection a = accepted.get(10, TimeUnit.SECONDS);
    // data, then the dialer closes: the acceptor reads the data, then the end
    d.out().write(new byte[] {1, 2});
    d.out().flush();
    d.close();
    d.close(); // idempotent
    InputStream in = a.in();
    assertThat(in.read()).isEqualTo(1);
    assertThat(in.read()).isEqualTo(2);
    assertThat(in.read()).isEqualTo(-1);
    a.close();

    // a reader blocked on its own connection is unblocked by close()
    Future<RawConnection> accepted2 = threads.submit(l::accept);
    RawConnection d2 = transport.dial(l.localAddress(), TIMEOUT);
    RawConnection a2 = accepted2.get(10, TimeUnit.SECONDS);
    Future<Integer> blocked = threads.submit(() -> d2.in().read());
    Thread.sleep(50); // not a condition wait: give the reader time to block (the result is the same if not)
    d2.close();
    try {
      assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IOException.class);
    }
    assertThat(a2.in().read()).isEqualTo(-1);
    a2.close();
  }

  @Test
  void listenerCloseUnblocksAccept() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0/ws"));
    Future<RawConnection> accepted = threads.submit(l::accept);
    l.close();
    l.close();
    assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void manyConcurrentConnections() throws Exception {
    TransportListener l = echoServer("/ip4/127.0.0.1/tcp/0/ws");
    List<Future<byte[]>> results = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] data = random(10_000 + i, i);
      results.add(threads.submit(() -> {
        try (RawConnection c = transport.dial(l.localAddress(), TIMEOUT)) {
          byte[] back = roundTrip(c, data);
          return java.util.Arrays.equals(back, data) ? back : null;
        }
      }));
    }
    for (Future<byte[]> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void connectionsAndListenersLeaveNothingBehind() throws Exception {
    // warm up once (JDK pollers, TLS caches), then measure
    churn(5);
    Resources before = Resources.now();
    churn(40);
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          Resources after = Resources.now();
          assertThat(after.fileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(before.fileDescriptors());
          assertThat(after.virtualThreads()).as("virtual threads").isLessThanOrEqualTo(before.virtualThreads());
        });
  }

  private void churn(int n) throws Exception {
    for (String listen : List.of("/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0/tls/ws")) {
      TransportListener l = echoServer(listen);
      for (int i = 0; i < n; i++) {
        try (RawConnection c = transport.dial(l.localAddress(), TIMEOUT)) {
          assertThat(roundTrip(c, new byte[] {(byte) i})).containsExactly((byte) i);
        }
      }
      l.close();
    }
  }
}
