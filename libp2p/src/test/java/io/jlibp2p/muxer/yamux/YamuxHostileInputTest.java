package io.jlibp2p.muxer.yamux;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.ACK;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.DATA;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.GO_AWAY;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.PING;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.SYN;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.WINDOW_UPDATE;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raw bytes from a hostile client against a yamux server: each ends in a clean, explained close. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class YamuxHostileInputTest {
  private Socket raw; // the hostile client (odd stream ids)
  private DataInputStream fromServer;
  private OutputStream toServer;
  private MuxedConnection server;

  @BeforeEach
  void connect() throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    raw = s[0];
    raw.setSoTimeout(10_000);
    fromServer = new DataInputStream(raw.getInputStream());
    toServer = raw.getOutputStream();
    server = new YamuxMuxer().create(new SocketRawConnection(s[1], false), false);
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    raw.close();
  }

  private void send(byte[]... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p);
    }
    toServer.write(b.toByteArray());
    toServer.flush();
  }

  /** Reads frames until a GoAway; returns its code. Payloads are skipped, pings are not answered. */
  private long awaitGoAway() throws IOException {
    byte[] h = new byte[YamuxFrame.HEADER_LENGTH];
    while (true) {
      fromServer.readFully(h);
      YamuxFrame f = YamuxFrame.decode(h, 0);
      if (f.type() == GO_AWAY) {
        return f.length();
      }
      if (f.type() == DATA) {
        fromServer.skipNBytes(f.length());
      }
    }
  }

  private void assertProtocolErrorClose(String messagePart) throws IOException {
    assertThat(awaitGoAway()).isEqualTo(YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
    assertThatThrownBy(() -> fromServer.readFully(new byte[1])).isInstanceOf(EOFException.class);
    assertThat(eventually(Duration.ofSeconds(5), server::isClosed)).isTrue();
    assertThatThrownBy(() -> {
          for (int i = 0; i < 10; i++) {
            server.acceptStream(); // streams opened before the violation come first
          }
        })
        .isInstanceOf(ConnectionClosedException.class)
        .cause()
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void unknownFrameType() throws IOException {
    byte[] h = header(PING, 0, 0, 0);
    h[1] = 4;
    send(h);
    assertProtocolErrorClose("unknown frame type 4");
  }

  @Test
  void badVersion() throws IOException {
    byte[] h = header(PING, SYN, 0, 1);
    h[0] = 1;
    send(h);
    assertProtocolErrorClose("unsupported version 1");
  }

  @Test
  void dataBeyondTheWindow() throws IOException {
    int len = YamuxConfig.SPEC_INITIAL_WINDOW + 1;
    // the header alone is the violation: sending the payload too would race the server's close
    // (the remote then resets the connection while we still write)
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(DATA, 0, 1, len));
    assertProtocolErrorClose("exceeds the receive window");
  }

  @Test
  void reusedStreamId() throws IOException {
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(WINDOW_UPDATE, SYN, 1, 0));
    assertProtocolErrorClose("already open");
  }

  @Test
  void synWithWrongParity() throws IOException {
    send(header(WINDOW_UPDATE, SYN, 2, 0));
    assertProtocolErrorClose("parity");
  }

  @Test
  void lengthOverTheNamedLimit() throws IOException {
    send(header(DATA, 0, 3, YamuxConfig.DEFAULT_MAX_STREAM_WINDOW + 1L));
    assertProtocolErrorClose("YamuxConfig.maxStreamWindow");
  }

  @Test
  void dataOnStreamZero() throws IOException {
    send(header(DATA, 0, 0, 1), new byte[1]);
    assertProtocolErrorClose("stream 0");
  }

  @Test
  void windowUpdateOverflow() throws IOException {
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(WINDOW_UPDATE, 0, 1, 0xffffffffL));
    assertProtocolErrorClose("overflows the send window");
  }

  @Test
  void remoteGoAwayWithErrorClosesTheConnection() throws IOException {
    send(header(GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_INTERNAL_ERROR));
    assertThat(eventually(Duration.ofSeconds(5), server::isClosed)).isTrue();
    assertThatThrownBy(server::acceptStream)
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("internal error");
  }

  @Test
  void truncatedFrameThenEofClosesCleanly() throws IOException {
    send(header(WINDOW_UPDATE, SYN, 1, 0), header(DATA, 0, 1, 100), new byte[10]);
    raw.shutdownOutput();
    assertThat(eventually(Duration.ofSeconds(5), server::isClosed)).isTrue();
  }

  @Test
  void answersPingsWithAck() throws IOException {
    send(header(PING, SYN, 0, 77));
    byte[] h = new byte[YamuxFrame.HEADER_LENGTH];
    while (true) {
      fromServer.readFully(h);
      YamuxFrame f = YamuxFrame.decode(h, 0);
      if (f.type() == PING && f.flags() == ACK) {
        assertThat(f.length()).isEqualTo(77);
        return;
      }
    }
  }

  @Test
  void acceptsDataPiggybackedOnSynAndABiggerAnnouncedWindow() throws Exception {
    int announced = 1 << 20; // the remote's window: 256 KiB + 1 MiB announced with its SYN
    send(header(DATA, SYN, 1, 5), "hello".getBytes(), header(WINDOW_UPDATE, 0, 1, announced));
    MuxedStream s = server.acceptStream();
    byte[] got = new byte[5];
    assertThat(s.in().readNBytes(got, 0, 5)).isEqualTo(5);
    assertThat(new String(got)).isEqualTo("hello");
    long window = YamuxConfig.SPEC_INITIAL_WINDOW + (long) announced;
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          byte[] kb = new byte[1024];
          while (true) {
            s.out().write(kb);
            written.addAndGet(kb.length);
          }
        } catch (IOException e) {
          // the stream dies with the connection at the end of the test
        }
      }, exec);
      long received = 0;
      byte[] h = new byte[YamuxFrame.HEADER_LENGTH];
      boolean acked = false;
      while (received < window) {
        fromServer.readFully(h);
        YamuxFrame f = YamuxFrame.decode(h, 0);
        if (f.streamId() == 1 && (f.flags() & ACK) != 0) {
          acked = true;
        }
        if (f.type() == DATA) {
          fromServer.skipNBytes(f.length());
          received += f.length();
        }
      }
      assertThat(acked).isTrue();
      assertThat(received).isEqualTo(window);
      assertThat(eventually(Duration.ofMillis(300), () -> written.get() > window)).isFalse();
      server.close();
      writer.get(5, TimeUnit.SECONDS);
    }
  }
}
