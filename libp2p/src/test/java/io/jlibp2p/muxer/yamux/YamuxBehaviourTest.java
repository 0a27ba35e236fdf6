package io.jlibp2p.muxer.yamux;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.ACK;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.DATA;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.PING;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.RST;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.SYN;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.WINDOW_UPDATE;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits, keep-alive and window auto-tuning, observed from a raw peer on the wire. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class YamuxBehaviourTest {
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private Socket raw;
  private DataInputStream in;
  private OutputStream out;
  private MuxedConnection conn;

  /** Our muxer as {@code client} (odd ids) or server, facing a raw peer. */
  private void connect(YamuxConfig config, boolean client) throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    raw = s[0];
    raw.setSoTimeout(10_000);
    in = new DataInputStream(raw.getInputStream());
    out = raw.getOutputStream();
    conn = new YamuxMuxer(config).create(new SocketRawConnection(s[1], client), client);
  }

  @AfterEach
  void close() throws IOException {
    if (conn != null) {
      conn.close();
      raw.close();
    }
    pool.shutdownNow();
  }

  private YamuxFrame next() throws IOException {
    byte[] h = new byte[YamuxFrame.HEADER_LENGTH];
    in.readFully(h);
    YamuxFrame f = YamuxFrame.decode(h, 0);
    if (f.type() == DATA) {
      in.skipNBytes(f.length());
    }
    return f;
  }

  /** The next frame that is not a ping. */
  private YamuxFrame nextNonPing() throws IOException {
    YamuxFrame f;
    do {
      f = next();
    } while (f.type() == PING);
    return f;
  }

  private void send(byte[]... frames) throws IOException {
    for (byte[] f : frames) {
      out.write(f);
    }
    out.flush();
  }

  @Test
  void inboundStreamsBeyondTheBacklogAreReset() throws IOException {
    connect(YamuxConfig.DEFAULT.withStreamLimits(100, 100, 2, 256), false);
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(WINDOW_UPDATE, SYN, 3, 0), header(WINDOW_UPDATE, SYN, 5, 0));
    YamuxFrame f = nextNonPing();
    assertThat(f).isEqualTo(new YamuxFrame(WINDOW_UPDATE, RST, 5, 0));
    assertThat(conn.acceptStream().id()).isEqualTo(1); // its ACK frees a backlog slot
    assertThat(nextNonPing()).isEqualTo(new YamuxFrame(WINDOW_UPDATE, ACK, 1, 0));
    send(header(WINDOW_UPDATE, SYN, 7, 0));
    assertThat(conn.acceptStream().id()).isEqualTo(3);
    assertThat(conn.acceptStream().id()).isEqualTo(7);
  }

  @Test
  void inboundStreamsBeyondTheConcurrencyLimitAreReset() throws IOException {
    connect(YamuxConfig.DEFAULT.withStreamLimits(1, 100, 10, 256), false);
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(WINDOW_UPDATE, SYN, 3, 0));
    assertThat(nextNonPing()).isEqualTo(new YamuxFrame(WINDOW_UPDATE, RST, 3, 0));
    MuxedStream s = conn.acceptStream();
    s.reset();
    assertThat(nextNonPing().flags()).isEqualTo(ACK);
    assertThat(nextNonPing()).isEqualTo(new YamuxFrame(WINDOW_UPDATE, RST, 1, 0));
    send(header(WINDOW_UPDATE, SYN, 5, 0));
    assertThat(conn.acceptStream().id()).isEqualTo(5);
  }

  @Test
  void openStreamBlocksWhileTheAckBacklogIsFull() throws Exception {
    connect(YamuxConfig.DEFAULT.withStreamLimits(100, 100, 256, 2), true);
    conn.openStream();
    conn.openStream();
    Future<MuxedStream> third = pool.submit(conn::openStream);
    assertThat(eventually(Duration.ofMillis(300), third::isDone)).isFalse();
    send(header(WINDOW_UPDATE, ACK, 1, 0));
    assertThat(third.get(5, TimeUnit.SECONDS).id()).isEqualTo(5);
  }

  @Test
  void openStreamBlocksAtTheOutboundLimit() throws Exception {
    connect(YamuxConfig.DEFAULT.withStreamLimits(100, 1, 256, 256), true);
    MuxedStream first = conn.openStream();
    Future<MuxedStream> second = pool.submit(conn::openStream);
    assertThat(eventually(Duration.ofMillis(300), second::isDone)).isFalse();
    first.reset();
    assertThat(second.get(5, TimeUnit.SECONDS).id()).isEqualTo(3);
  }

  @Test
  void keepAlivePingsAndAnUnansweredPingClosesTheConnection() throws IOException {
    // long enough that answering the first ping is never late, even on a stalled machine
    connect(YamuxConfig.DEFAULT.withKeepAliveInterval(Duration.ofSeconds(1)), true);
    YamuxFrame first = next();
    assertThat(first.type()).isEqualTo(PING);
    assertThat(first.flags()).isEqualTo(SYN);
    send(header(PING, ACK, 0, first.length()));
    YamuxFrame second = next();
    assertThat(second.type()).isEqualTo(PING);
    // no answer this time: the next tick closes the connection
    assertThat(eventually(Duration.ofSeconds(10), conn::isClosed)).isTrue();
    assertThatThrownBy(conn::acceptStream)
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("keep-alive");
  }

  @Test
  void windowGrowsWhenUsedUpWithinAFewRoundTrips() throws Exception {
    connect(YamuxConfig.DEFAULT, false);
    YamuxFrame ping = next();
    // answer the RTT ping late: RTT of ~100 ms makes every window "used up quickly"
    Thread.sleep(100); // simulated network delay, not a wait for a condition
    send(header(PING, ACK, 0, ping.length()), header(WINDOW_UPDATE, SYN, 1, 0));
    MuxedStream s = conn.acceptStream();
    Future<Long> reader = pool.submit(() -> io.jlibp2p.muxer.MuxTestSupport.drain(s.in()));
    long window = YamuxConfig.SPEC_INITIAL_WINDOW;
    long maxDelta = 0;
    byte[] payload = new byte[64 * 1024];
    long sent = 0;
    while (sent < 64L << 20 && maxDelta < YamuxConfig.DEFAULT_MAX_STREAM_WINDOW / 2) {
      while (window >= payload.length) {
        out.write(header(DATA, 0, 1, payload.length));
        out.write(payload);
        window -= payload.length;
        sent += payload.length;
      }
      out.flush();
      YamuxFrame f = nextNonPing();
      if (f.type() == WINDOW_UPDATE && f.streamId() == 1) {
        window += f.length();
        maxDelta = Math.max(maxDelta, f.length());
      }
    }
    assertThat(maxDelta).isGreaterThan(YamuxConfig.SPEC_INITIAL_WINDOW);
    send(header(WINDOW_UPDATE, YamuxFrame.FIN, 1, 0));
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(sent);
  }
}
