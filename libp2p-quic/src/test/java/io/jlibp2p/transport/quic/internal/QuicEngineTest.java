package io.jlibp2p.transport.quic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import io.jlibp2p.transport.quic.QuicConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QuicEngineTest {
  private static QuicEngine engine() {
    return new QuicEngine(
        PrivateKey.generate(KeyType.ED25519), QuicConfig.DEFAULT, new SecureRandom(), InstantSource.system());
  }

  /**
   * On Linux every socket asks the kernel to coalesce datagrams (UDP GRO), and a transfer both ways
   * arrives whole: the segmented trains each side sends are split back into datagrams on receipt.
   */
  @Test
  void socketsCoalesceReceivedDatagramsAndTransfersArriveWhole() throws Exception {
    assumeTrue(QuicEngine.GRO, "epoll with GRO (Linux, jlibp2p.quic.gro not false)");
    byte[] data = new byte[8 * 1024 * 1024];
    new Random(7).nextBytes(data);
    try (QuicEngine a = engine();
        QuicEngine b = engine();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      SecureMuxedListener l = b.listen(new InetSocketAddress("127.0.0.1", 0));
      Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
      int port = Integer.parseInt(l.localAddress().toString().split("/")[4]);
      SecureMuxedConnection c = a.dial(new InetSocketAddress("127.0.0.1", port), null, Duration.ofSeconds(10));
      SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
      assertThat(a.coalescingSockets()).isEqualTo(a.openSockets()).isEqualTo(1);
      assertThat(b.coalescingSockets()).isEqualTo(b.openSockets()).isEqualTo(1);

      Future<byte[]> echoed =
          threads.submit(
              () -> {
                MuxedStream in = s.acceptStream();
                byte[] got = in.in().readAllBytes();
                in.out().write(got);
                in.close();
                return got;
              });
      MuxedStream out = c.openStream();
      Future<?> writer =
          threads.submit(
              () -> {
                out.out().write(data);
                out.closeWrite();
                return null;
              });
      InputStream back = out.in();
      byte[] returned = back.readAllBytes();
      writer.get(30, TimeUnit.SECONDS);
      assertThat(Arrays.equals(echoed.get(30, TimeUnit.SECONDS), data)).as("uploaded bytes").isTrue();
      assertThat(Arrays.equals(returned, data)).as("downloaded bytes").isTrue();
      out.close();
      c.close();
      s.close();
      l.close();
    }
  }

  /**
   * Sockets bound to a loopback address send and accept datagrams as large as {@link
   * QuicEngine#LOOPBACK_UDP_PAYLOAD} (the loopback MTU allowing); others keep to Ethernet's 1,452
   * bytes, and so does a loopback socket whose peer accepts no more.
   */
  @Test
  void loopbackSocketsUseLargerDatagramsUpToWhatThePeerAccepts() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    QuicEngine.Datagrams wildcard = QuicEngine.Datagrams.of(InetAddress.getByName("0.0.0.0"));
    assertThat(List.of(wildcard.payload(), wildcard.buffer(), wildcard.segments()))
        .isEqualTo(List.of(QuicEngine.MAX_UDP_PAYLOAD, 2048, QuicEngine.SEND_SEGMENTS));
    assertThat(QuicEngine.Datagrams.of(InetAddress.getByName("192.0.2.1")).payload()).isEqualTo(QuicEngine.MAX_UDP_PAYLOAD);
    if (!QuicEngine.LINUX) {
      assertThat(QuicEngine.Datagrams.of(lo).payload()).isEqualTo(QuicEngine.MAX_UDP_PAYLOAD);
    }
    int loopback = Math.min(QuicEngine.LOOPBACK_UDP_PAYLOAD, NetworkInterface.getByInetAddress(lo).getMTU() - 28);
    assumeTrue(QuicEngine.LINUX && loopback > QuicEngine.MAX_UDP_PAYLOAD, "Linux, loopback MTU above Ethernet's");
    QuicEngine.Datagrams onLoopback = QuicEngine.Datagrams.of(lo);
    assertThat(List.of(onLoopback.payload(), onLoopback.buffer(), onLoopback.segments()))
        .isEqualTo(List.of(loopback, Math.max(2048, loopback), Math.min(QuicEngine.SEND_SEGMENTS, 65_000 / loopback)));

    // both on loopback sockets: the dialer's own (bound to 127.0.0.1) and a loopback listener
    assertThat(datagramSizes("127.0.0.1")).containsExactly(loopback, loopback, loopback, loopback);
    // a wildcard listener reaches other hosts too: 1,452 bytes both ways, whatever the dialer accepts
    int ethernet = QuicEngine.MAX_UDP_PAYLOAD;
    assertThat(datagramSizes("0.0.0.0")).containsExactly(loopback, ethernet, ethernet, ethernet);
  }

  /** The loopback payload setting: the default without one, never above it nor below 1,452 bytes. */
  @Test
  void theLoopbackPayloadSettingIsBounded() {
    assertThat(QuicEngine.loopbackPayload(null)).isEqualTo(16_000);
    assertThat(QuicEngine.loopbackPayload("9000")).isEqualTo(9000);
    assertThat(QuicEngine.loopbackPayload(" 9000 ")).isEqualTo(9000);
    assertThat(QuicEngine.loopbackPayload("100000")).isEqualTo(16_000);
    assertThat(QuicEngine.loopbackPayload("1200")).isEqualTo(1452);
    assertThat(QuicEngine.loopbackPayload("-5")).isEqualTo(1452);
    assertThat(QuicEngine.loopbackPayload("9,000")).isEqualTo(16_000); // not a number: logged, the default
  }

  /**
   * Dials a listener bound to {@code bind} at 127.0.0.1 and moves 1 MiB each way: what the
   * dialer's and the listener's peers accept, then the most each side sends (quiche's largest
   * datagram on the path).
   */
  private static List<Integer> datagramSizes(String bind) throws Exception {
    byte[] data = new byte[1024 * 1024];
    try (QuicEngine a = engine();
        QuicEngine b = engine();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      SecureMuxedListener l = b.listen(new InetSocketAddress(bind, 0));
      Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
      int port = Integer.parseInt(l.localAddress().toString().split("/")[4]);
      QuicMuxedConnection c = (QuicMuxedConnection) a.dial(new InetSocketAddress("127.0.0.1", port), null, Duration.ofSeconds(10));
      QuicMuxedConnection s = (QuicMuxedConnection) accepted.get(10, TimeUnit.SECONDS);
      Future<?> echo =
          threads.submit(
              () -> {
                MuxedStream in = s.acceptStream();
                in.out().write(in.in().readAllBytes());
                in.close();
                return null;
              });
      MuxedStream out = c.openStream();
      // a QUIC reply passes through both peers' event loops: a read waiting for it does not spin
      assertThat(((QuicStream) out).spinsForReplies()).isFalse();
      out.out().write(data);
      out.closeWrite();
      assertThat(out.in().readAllBytes()).hasSize(data.length);
      echo.get(10, TimeUnit.SECONDS);
      List<Integer> sizes =
          List.of(
              (int) s.channel().peerTransportParameters().maxUdpPayloadSize(),
              (int) c.channel().peerTransportParameters().maxUdpPayloadSize(),
              (int) c.channel().collectPathStats(0).get(10, TimeUnit.SECONDS).pmtu(),
              (int) s.channel().collectPathStats(0).get(10, TimeUnit.SECONDS).pmtu());
      out.close();
      c.close();
      s.close();
      l.close();
      return sizes;
    }
  }
}
