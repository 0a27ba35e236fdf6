package io.jlibp2p.muxer.mplex;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raw bytes from a hostile peer against an mplex connection. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MplexHostileInputTest {
  private Socket raw;
  private MuxedConnection server;

  @BeforeEach
  void connect() throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    raw = s[0];
    raw.setSoTimeout(10_000);
    server = new MplexMuxer().create(new SocketRawConnection(s[1], false), false);
  }

  @AfterEach
  void close() throws IOException {
    server.close();
    raw.close();
  }

  private static byte[] frame(long id, int flag, byte[] payload) {
    byte[] h = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int n = MplexFrame.write(h, 0, id, flag, payload.length);
    byte[] f = Arrays.copyOf(h, n + payload.length);
    System.arraycopy(payload, 0, f, n, payload.length);
    return f;
  }

  private void send(byte[]... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p);
    }
    raw.getOutputStream().write(b.toByteArray());
    raw.getOutputStream().flush();
  }

  private void assertProtocolErrorClose(String messagePart) throws IOException {
    InputStream in = raw.getInputStream();
    while (in.read() >= 0) {
      // whatever the server sent before closing
    }
    assertThat(eventually(Duration.ofSeconds(5), server::isClosed)).isTrue();
    assertThatThrownBy(() -> {
          for (int i = 0; i < 10; i++) {
            server.acceptStream();
          }
        })
        .isInstanceOf(ConnectionClosedException.class)
        .cause()
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void lengthOverTheNamedLimit() throws IOException {
    byte[] h = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int n = MplexFrame.write(h, 0, 0, MplexFrame.MESSAGE_INITIATOR, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE + 1);
    send(Arrays.copyOf(h, n));
    assertProtocolErrorClose("MplexConfig.maxMessageSize");
  }

  @Test
  void unknownFlag() throws IOException {
    send(new byte[] {(byte) (1 << 3 | 7), 0});
    assertProtocolErrorClose("unknown flag 7");
  }

  @Test
  void newStreamForAnOpenStream() throws IOException {
    send(frame(3, MplexFrame.NEW_STREAM, "3".getBytes()), frame(3, MplexFrame.NEW_STREAM, "3".getBytes()));
    assertProtocolErrorClose("already open");
  }

  @Test
  void overlongVarint() throws IOException {
    byte[] b = new byte[12];
    Arrays.fill(b, (byte) 0x80);
    send(b);
    assertProtocolErrorClose("varint");
  }

  @Test
  void nonMinimalVarint() throws IOException {
    send(new byte[] {(byte) 0x82, 0x00, 0x00}); // header 2 encoded in two bytes
    assertProtocolErrorClose("varint");
  }

  @Test
  void truncatedFrameThenEofClosesCleanly() throws IOException {
    send(frame(0, MplexFrame.NEW_STREAM, new byte[0]), Arrays.copyOf(frame(0, MplexFrame.MESSAGE_INITIATOR, new byte[50]), 20));
    raw.shutdownOutput();
    assertThat(eventually(Duration.ofSeconds(5), server::isClosed)).isTrue();
  }

  @Test
  void inboundStreamsBeyondTheLimitAreReset() throws IOException {
    server.close();
    Socket[] s = SocketRawConnection.socketPair();
    raw = s[0];
    raw.setSoTimeout(10_000);
    server = new MplexMuxer(MplexConfig.DEFAULT.withStreamLimits(1, 10, 10))
        .create(new SocketRawConnection(s[1], false), false);
    send(frame(0, MplexFrame.NEW_STREAM, new byte[0]), frame(1, MplexFrame.NEW_STREAM, new byte[0]));
    byte[] reset = frame(1, MplexFrame.RESET_RECEIVER, new byte[0]);
    assertThat(raw.getInputStream().readNBytes(reset.length)).isEqualTo(reset);
    assertThat(server.acceptStream().id()).isEqualTo(0);
    assertThat(server.isClosed()).isFalse();
  }

  @Test
  void messagesForUnknownStreamsAreDropped() throws IOException {
    send(frame(9, MplexFrame.MESSAGE_INITIATOR, new byte[100]),
        frame(1, MplexFrame.NEW_STREAM, "1".getBytes()),
        frame(1, MplexFrame.MESSAGE_INITIATOR, "hi".getBytes()),
        frame(1, MplexFrame.CLOSE_INITIATOR, new byte[0]));
    MuxedStream s = server.acceptStream();
    assertThat(s.id()).isEqualTo(1);
    assertThat(s.in().readAllBytes()).containsExactly('h', 'i');
    assertThat(server.isClosed()).isFalse();
  }
}
