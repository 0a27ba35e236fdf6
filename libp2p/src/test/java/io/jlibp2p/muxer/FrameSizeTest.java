package io.jlibp2p.muxer;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.mplex.MplexConfig;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.StreamMuxer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data frames yamux and mplex send, read off the wire: as large as the connection's preferred
 * frame size, within the muxer's own limit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameSizeTest {
  /** Fits yamux's initial 256 KiB window, so no window update is needed. */
  private static final int DATA = 200_000;

  /** A socket connection stating {@code frameSize} as its preferred frame size (0: none). */
  private record Hinted(SocketRawConnection conn, int frameSize) implements RawConnection {
    @Override
    public InputStream in() {
      return conn.in();
    }

    @Override
    public OutputStream out() {
      return conn.out();
    }

    @Override
    public Multiaddr localAddress() {
      return conn.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
      return conn.remoteAddress();
    }

    @Override
    public boolean isInitiator() {
      return conn.isInitiator();
    }

    @Override
    public int preferredFrameSize() {
      return frameSize == 0 ? RawConnection.super.preferredFrameSize() : frameSize;
    }

    @Override
    public void close() {
      conn.close();
    }
  }

  private interface FrameReader {
    /** The payload length of the next data frame, after skipping other frames. */
    int nextDataFrame(FrameInput in) throws IOException;
  }

  private static final FrameReader MPLEX = in -> {
    while (true) {
      MplexFrame f = MplexFrame.read(in, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE);
      if (f.flag() == MplexFrame.MESSAGE_INITIATOR) {
        return f.length();
      }
      in.skip(f.length()); // NewStream with its name
    }
  };

  private static final FrameReader YAMUX = in -> {
    while (true) {
      in.require(YamuxFrame.HEADER_LENGTH);
      int type = in.buffer()[in.position() + 1];
      int length = in.intAt(8);
      in.advance(YamuxFrame.HEADER_LENGTH);
      if (type == YamuxFrame.DATA) {
        return length;
      } // window updates and pings carry no payload
    }
  };

  /** Writes {@link #DATA} bytes in one write; returns the data frames' payload lengths. */
  private static List<Integer> dataFrames(StreamMuxer muxer, int hint, FrameReader reader) throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    byte[] data = new byte[DATA];
    new Random(hint).nextBytes(data);
    byte[] received = new byte[DATA];
    try (Socket raw = s[0];
        MuxedConnection conn = muxer.create(new Hinted(new SocketRawConnection(s[1], true), hint), true)) {
      raw.setSoTimeout(10_000);
      MuxedStream stream = conn.openStream();
      stream.out().write(data);
      stream.out().flush();
      FrameInput in = new FrameInput(raw.getInputStream(), 1024);
      List<Integer> lengths = new ArrayList<>();
      int got = 0;
      while (got < DATA) {
        int length = reader.nextDataFrame(in);
        lengths.add(length);
        for (int left = length; left > 0; ) {
          int n = in.readSome(received, got, left, left);
          got += n;
          left -= n;
        }
      }
      assertThat(received).isEqualTo(data);
      return lengths;
    }
  }

  @Test
  void mplexFramesFollowTheConnectionsPreferredSize() throws IOException {
    int d = RawConnection.DEFAULT_FRAME_SIZE;
    assertThat(dataFrames(new MplexMuxer(), 0, MPLEX)).containsExactly(d, d, d, DATA - 3 * d);
    assertThat(dataFrames(new MplexMuxer(), 150_000, MPLEX)).containsExactly(150_000, DATA - 150_000);
  }

  @Test
  void mplexFramesStayWithinMaxMessageSize() throws IOException {
    MplexConfig small = MplexConfig.DEFAULT.withBuffers(80_000, MplexConfig.DEFAULT_MAX_STREAM_BUFFER);
    assertThat(dataFrames(new MplexMuxer(small), 150_000, MPLEX)).containsExactly(80_000, 80_000, DATA - 160_000);
  }

  @Test
  void yamuxFramesFollowTheConnectionsPreferredSize() throws IOException {
    int d = RawConnection.DEFAULT_FRAME_SIZE;
    assertThat(dataFrames(new YamuxMuxer(), 0, YAMUX)).containsExactly(d, d, d, DATA - 3 * d);
    assertThat(dataFrames(new YamuxMuxer(), 150_000, YAMUX)).containsExactly(150_000, DATA - 150_000);
  }

  @Test
  void yamuxFramesStayWithinMaxMessageSize() throws IOException {
    YamuxMuxer small = new YamuxMuxer(YamuxConfig.DEFAULT.withMaxMessageSize(80_000));
    assertThat(dataFrames(small, 150_000, YAMUX)).containsExactly(80_000, 80_000, DATA - 160_000);
  }
}
