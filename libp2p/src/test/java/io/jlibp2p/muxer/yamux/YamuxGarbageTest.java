package io.jlibp2p.muxer.yamux;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Random and almost-valid input never does anything but end in a clean close. */
class YamuxGarbageTest {
  @Property(tries = 40)
  void randomBytes(@ForAll @Size(max = 2000) byte[] garbage) throws Exception {
    feed(garbage);
  }

  @Property(tries = 60)
  void almostValidFrames(@ForAll("frames") List<byte[]> frames) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      b.write(f);
    }
    feed(b.toByteArray());
  }

  @Provide
  Arbitrary<List<byte[]>> frames() {
    Arbitrary<byte[]> frame =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 15),
                Arbitraries.longs().between(0, 6),
                Arbitraries.longs().between(0, 300),
                Arbitraries.integers().between(0, 300))
            .as((type, flags, id, length, payload) -> {
              byte[] f = new byte[YamuxFrame.HEADER_LENGTH + payload];
              YamuxFrame.write(f, 0, type, flags, id.intValue(), length.intValue());
              return f;
            });
    return frame.list().ofMaxSize(20);
  }

  private static void feed(byte[] bytes) throws Exception {
    Socket[] s = SocketRawConnection.socketPair();
    MuxedConnection server = new YamuxMuxer().create(new SocketRawConnection(s[1], false), false);
    try (Socket raw = s[0]) {
      Thread.ofVirtual().start(() -> { // discard whatever the server says
        try {
          raw.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
          // closed
        }
      });
      try {
        raw.getOutputStream().write(bytes);
        raw.shutdownOutput();
      } catch (IOException e) {
        // the server may already have closed on us
      }
      assertThat(eventually(Duration.ofSeconds(10), server::isClosed)).isTrue();
      assertThatThrownBy(() -> {
            while (true) {
              MuxedStream st = server.acceptStream();
              st.reset();
            }
          })
          .isInstanceOf(ConnectionClosedException.class);
    } finally {
      server.close();
    }
  }
}
