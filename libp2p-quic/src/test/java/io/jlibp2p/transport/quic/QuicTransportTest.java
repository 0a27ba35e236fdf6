package io.jlibp2p.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QuicTransportTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    threads.shutdownNow();
  }

  private QuicTransport transport(PrivateKey key, QuicConfig config) {
    QuicTransport t = new QuicTransport(key, config);
    closeables.add(t);
    return t;
  }

  private static PrivateKey key() {
    return PrivateKey.generate(KeyType.ED25519);
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void dialsAuthenticatesAndEchoes() throws Exception {
    PrivateKey ka = key();
    PrivateKey kb = key();
    QuicTransport a = transport(ka, QuicConfig.DEFAULT);
    QuicTransport b = transport(kb, QuicConfig.DEFAULT);
    SecureMuxedListener l = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    assertThat(l.localAddress().toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1");
    Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
    SecureMuxedConnection c = a.dial(l.localAddress(), PeerId.fromPublicKey(kb.publicKey()), TIMEOUT);
    SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
    assertThat(c.remotePeer()).isEqualTo(PeerId.fromPublicKey(kb.publicKey()));
    assertThat(s.remotePeer()).isEqualTo(PeerId.fromPublicKey(ka.publicKey()));
    assertThat(c.isInitiator()).isTrue();
    assertThat(s.isInitiator()).isFalse();

    Future<?> server =
        threads.submit(
            () -> {
              MuxedStream in = s.acceptStream();
              byte[] all = in.in().readAllBytes();
              in.out().write(all);
              in.closeWrite();
              return null;
            });
    MuxedStream out = c.openStream();
    out.out().write("hello quic".getBytes(StandardCharsets.UTF_8));
    out.closeWrite();
    assertThat(new String(out.in().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello quic");
    server.get(10, TimeUnit.SECONDS);
    out.close();
    c.close();
  }

  @Test
  void rejectsAnotherPeerThanExpected() throws Exception {
    QuicTransport a = transport(key(), QuicConfig.DEFAULT);
    QuicTransport b = transport(key(), QuicConfig.DEFAULT);
    SecureMuxedListener l = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    PeerId someoneElse = PeerId.fromPublicKey(key().publicKey());
    assertThatThrownBy(() -> a.dial(l.localAddress(), someoneElse, TIMEOUT))
        .isInstanceOf(PeerIdMismatchException.class)
        .hasMessageContaining(someoneElse.toString());
  }

  /** A connected pair: {@code [0]} dialed {@code [1]}. */
  private SecureMuxedConnection[] pair(QuicConfig dialer, QuicConfig listener) throws Exception {
    QuicTransport a = transport(key(), dialer);
    QuicTransport b = transport(key(), listener);
    SecureMuxedListener l = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
    SecureMuxedConnection c = a.dial(l.localAddress(), null, TIMEOUT);
    SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
    closeables.add(c);
    closeables.add(s);
    return new SecureMuxedConnection[] {c, s};
  }

  /** Serves every inbound stream of {@code s}: echoes what it reads until EOF, then closes. */
  private void echoServer(SecureMuxedConnection s) {
    threads.submit(
        () -> {
          while (true) {
            MuxedStream in = s.acceptStream();
            threads.submit(
                () -> {
                  byte[] buf = new byte[64 * 1024];
                  int n;
                  while ((n = in.in().read(buf)) > 0) {
                    in.out().write(buf, 0, n);
                  }
                  in.close();
                  return null;
                });
          }
        });
  }

  @Test
  void aWriterBlocksWhenTheReaderDoesNotRead() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    MuxedStream out = p[0].openStream();
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    Future<?> writer =
        threads.submit(
            () -> {
              byte[] chunk = new byte[64 * 1024];
              for (int i = 0; i < 1024; i++) { // 64 MiB, far more than every window and buffer
                out.out().write(chunk);
                written.addAndGet(chunk.length);
              }
              return null;
            });
    MuxedStream in = p[1].acceptStream();
    // QUIC stream window + our read buffer + our write buffer + one chunk in flight
    long bound =
        QuicConfig.DEFAULT_STREAM_WINDOW + 2L * QuicConfig.DEFAULT_STREAM_BUFFER + 2 * 64 * 1024;
    long last = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (written.get() != last && System.nanoTime() < deadline) { // until the writer stalls
      last = written.get();
      Thread.sleep(200);
    }
    assertThat(writer.isDone()).isFalse();
    assertThat(written.get()).isGreaterThan(0).isLessThanOrEqualTo(bound);
    // reading releases the writer
    byte[] buf = new byte[64 * 1024];
    long read = 0;
    while (read < 1024L * 64 * 1024) {
      int n = in.in().read(buf);
      assertThat(n).isPositive();
      read += n;
    }
    writer.get(30, TimeUnit.SECONDS);
  }

  /**
   * Size of the single-stream transfer: 1 GiB in the normal run (about 16 s on a 2-core machine with
   * epoll and Netty's leak detector tracking every buffer); 64 MiB in the runs over the other read
   * paths; {@code -Dquic.bulkMiB=64} for a quick run.
   */
  private static final long BULK_BYTES = Long.getLong("quic.bulkMiB", 1024) * 1024 * 1024;

  @Test
  @Timeout(300) // 1 GiB even with NIO (-Djlibp2p.quic.nio=true) on a loaded machine
  void bulkTransferOnOneStreamWithBoundedMemory() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    byte[] block = new byte[64 * 1024];
    new java.util.Random(42).nextBytes(block);
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapBefore = rt.totalMemory() - rt.freeMemory();
    java.util.concurrent.atomic.AtomicLong peakHeap = new java.util.concurrent.atomic.AtomicLong();
    Future<Long> reader =
        threads.submit(
            () -> {
              MuxedStream in = p[1].acceptStream();
              byte[] buf = new byte[block.length];
              long total = 0;
              int pos = 0;
              int n;
              while ((n = in.in().read(buf, pos, buf.length - pos)) > 0) {
                pos += n;
                total += n;
                if (pos == buf.length) {
                  if (!java.util.Arrays.equals(buf, block)) {
                    throw new AssertionError("corrupt block ending at " + total);
                  }
                  pos = 0;
                  peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                }
              }
              in.close();
              return total;
            });
    long start = System.nanoTime();
    MuxedStream out = p[0].openStream();
    for (long sent = 0; sent < BULK_BYTES; sent += block.length) {
      out.out().write(block);
    }
    out.closeWrite();
    assertThat(reader.get(120, TimeUnit.SECONDS)).isEqualTo(BULK_BYTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "QUIC loopback, one stream: %d MiB in %.2f s = %.0f MiB/s (heap %d MiB before, peak %d MiB)%n",
        BULK_BYTES >> 20, seconds, (BULK_BYTES >> 20) / seconds, heapBefore >> 20, peakHeap.get() >> 20);
    out.close();
  }

  @Test
  void aPeerThatVanishesIsDetectedByTheIdleTimeout() throws Exception {
    QuicConfig quick = QuicConfig.DEFAULT.withIdleTimeout(Duration.ofSeconds(1)).withKeepAliveInterval(Duration.ZERO);
    QuicTransport a = transport(key(), quick);
    QuicTransport b = transport(key(), quick);
    SecureMuxedListener l = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    int port = Integer.parseInt(l.localAddress().components().get(1).valueString());
    UdpRelay relay = new UdpRelay(new java.net.InetSocketAddress("127.0.0.1", port));
    closeables.add(relay);
    Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
    SecureMuxedConnection c =
        a.dial(Multiaddr.parse("/ip4/127.0.0.1/udp/" + relay.port() + "/quic-v1"), null, TIMEOUT);
    SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
    MuxedStream st = c.openStream();
    st.out().write(1);
    assertThat(s.acceptStream().in().read()).isEqualTo(1);
    relay.blackhole();
    Future<?> blockedReader = threads.submit(() -> st.in().read());
    // the idle timeout is at least three probe timeouts, which a stalled handshake can lengthen
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> c.isClosed() && s.isClosed());
    assertThatThrownBy(c::acceptStream)
        .isInstanceOf(io.jlibp2p.core.ConnectionClosedException.class)
        .hasMessageContaining("idle");
    assertThatThrownBy(() -> blockedReader.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.jlibp2p.core.ConnectionClosedException.class);
  }

  @Test
  void keepAlivesHoldAnIdleConnectionOpen() throws Exception {
    QuicConfig config =
        QuicConfig.DEFAULT.withIdleTimeout(Duration.ofSeconds(2)).withKeepAliveInterval(Duration.ofMillis(250));
    SecureMuxedConnection[] p = pair(config, config);
    // this test waits on purpose: two and a half idle timeouts without application traffic (the
    // keep-alives leave 1.75 s of slack for a stalled machine)
    Thread.sleep(5000);
    assertThat(p[0].isClosed()).isFalse();
    assertThat(p[1].isClosed()).isFalse();
    MuxedStream st = p[0].openStream();
    st.out().write(5);
    assertThat(p[1].acceptStream().in().read()).isEqualTo(5);
  }

  @Test
  void dialsFromTheListeningPort() throws Exception {
    QuicTransport a = transport(key(), QuicConfig.DEFAULT);
    QuicTransport b = transport(key(), QuicConfig.DEFAULT);
    SecureMuxedListener la = a.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    SecureMuxedListener lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    Future<SecureMuxedConnection> accepted = threads.submit(lb::accept);
    SecureMuxedConnection c = a.dial(lb.localAddress(), null, TIMEOUT);
    SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
    assertThat(s.remoteAddress()).isEqualTo(la.localAddress());
    assertThat(c.localAddress()).isEqualTo(la.localAddress());
    // and the listening socket still serves inbound connections meanwhile
    Future<SecureMuxedConnection> acceptedByA = threads.submit(la::accept);
    SecureMuxedConnection back = b.dial(la.localAddress(), null, TIMEOUT);
    assertThat(acceptedByA.get(10, TimeUnit.SECONDS).remotePeer()).isEqualTo(s.localPeer());
    assertThat(back.remoteAddress()).isEqualTo(la.localAddress());
    MuxedStream st = c.openStream();
    st.out().write(9);
    assertThat(s.acceptStream().in().read()).isEqualTo(9);
  }

  @Test
  void withoutAListenerDialsFromAnEphemeralPortAndChecksTheP2pComponent() throws Exception {
    PrivateKey kb = key();
    QuicTransport a = transport(key(), QuicConfig.DEFAULT);
    QuicTransport b = transport(kb, QuicConfig.DEFAULT);
    SecureMuxedListener lb = b.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"));
    Future<SecureMuxedConnection> accepted = threads.submit(lb::accept);
    Multiaddr withId = lb.localAddress().encapsulate(
        Multiaddr.parse("/p2p/" + PeerId.fromPublicKey(kb.publicKey())));
    SecureMuxedConnection c = a.dial(withId, null, TIMEOUT);
    SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
    int port = Integer.parseInt(s.remoteAddress().components().get(1).valueString());
    assertThat(port).isPositive().isNotEqualTo(Integer.parseInt(lb.localAddress().components().get(1).valueString()));
    c.close();
    Multiaddr wrongId = lb.localAddress().encapsulate(
        Multiaddr.parse("/p2p/" + PeerId.fromPublicKey(key().publicKey())));
    assertThatThrownBy(() -> a.dial(wrongId, null, TIMEOUT)).isInstanceOf(PeerIdMismatchException.class);
  }

  @Test
  void hundredConcurrentStreams() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    echoServer(p[1]);
    List<Future<byte[]>> results = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] data = new byte[10_000 + i * 97];
      new java.util.Random(i).nextBytes(data);
      sent.add(data);
      results.add(
          threads.submit(
              () -> {
                MuxedStream st = p[0].openStream();
                Future<?> w =
                    threads.submit(
                        () -> {
                          st.out().write(data);
                          st.closeWrite();
                          return null;
                        });
                byte[] back = st.in().readAllBytes();
                w.get();
                st.close();
                return back;
              }));
    }
    for (int i = 0; i < 100; i++) {
      assertThat(results.get(i).get(30, TimeUnit.SECONDS)).as("stream %d", i).isEqualTo(sent.get(i));
    }
  }

  @Test
  void openStreamBlocksAtTheRemotesStreamLimit() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT.withMaxStreams(4));
    List<MuxedStream> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      MuxedStream st = p[0].openStream();
      st.out().write(1);
      held.add(st);
    }
    Future<MuxedStream> fifth = threads.submit(p[0]::openStream);
    List<MuxedStream> accepted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accepted.add(p[1].acceptStream());
    }
    Thread.sleep(300); // the fifth must stay blocked: nothing to poll for
    assertThat(fifth.isDone()).isFalse();
    // finish one stream in both directions: QUIC grants a new one
    held.get(0).close();
    accepted.get(0).in().readAllBytes();
    accepted.get(0).close();
    MuxedStream st = fifth.get(10, TimeUnit.SECONDS);
    st.out().write(2);
    st.closeWrite();
    MuxedStream fifthIn = p[1].acceptStream();
    assertThat(fifthIn.in().readAllBytes()).containsExactly(2);
  }

  @Test
  void resetIsSeenByBothSides() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    MuxedStream out = p[0].openStream();
    out.out().write(new byte[] {1, 2, 3});
    MuxedStream in = p[1].acceptStream();
    assertThat(in.in().readNBytes(3)).containsExactly(1, 2, 3);
    out.reset();
    assertThatThrownBy(() -> in.in().read()).isInstanceOf(io.jlibp2p.core.StreamResetException.class);
    // the writer on the other side learns it too (STOP_SENDING)
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
        () -> assertThatThrownBy(() -> {
          in.out().write(new byte[1000]);
          in.out().flush();
        }).isInstanceOf(io.jlibp2p.core.StreamResetException.class));
    assertThatThrownBy(() -> out.in().read()).isInstanceOf(io.jlibp2p.core.StreamResetException.class);

    // and the other direction: the acceptor resets
    MuxedStream out2 = p[0].openStream();
    out2.out().write(7);
    MuxedStream in2 = p[1].acceptStream();
    assertThat(in2.in().read()).isEqualTo(7);
    in2.reset();
    assertThatThrownBy(() -> out2.in().read()).isInstanceOf(io.jlibp2p.core.StreamResetException.class);
  }

  @Test
  void halfCloseKeepsTheOtherDirectionOpen() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    MuxedStream out = p[0].openStream();
    out.out().write("request".getBytes(StandardCharsets.UTF_8));
    out.closeWrite();
    MuxedStream in = p[1].acceptStream();
    assertThat(in.in().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("request");
    assertThat(in.in().read()).isEqualTo(-1);
    in.out().write("response".getBytes(StandardCharsets.UTF_8));
    in.close();
    assertThat(out.in().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("response");
    assertThatThrownBy(() -> out.out().write(1)).isInstanceOf(IOException.class);
    out.close();
  }

  @Test
  void closingTheConnectionFailsStreamsAndAcceptOnBothSides() throws Exception {
    SecureMuxedConnection[] p = pair(QuicConfig.DEFAULT, QuicConfig.DEFAULT);
    MuxedStream out = p[0].openStream();
    out.out().write(1);
    MuxedStream in = p[1].acceptStream();
    assertThat(in.in().read()).isEqualTo(1);
    Future<?> accepting = threads.submit(p[0]::acceptStream);
    p[0].close();
    assertThat(p[0].isClosed()).isTrue();
    assertThatThrownBy(() -> accepting.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(io.jlibp2p.core.ConnectionClosedException.class);
    assertThatThrownBy(() -> in.in().read()).isInstanceOf(io.jlibp2p.core.ConnectionClosedException.class);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(p[1]::isClosed);
    assertThatThrownBy(p[1]::acceptStream).isInstanceOf(io.jlibp2p.core.ConnectionClosedException.class);
    assertThatThrownBy(p[1]::openStream).isInstanceOf(io.jlibp2p.core.ConnectionClosedException.class);
  }
}
