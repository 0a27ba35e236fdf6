package io.jlibp2p.muxer.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frames an mplex connection sends, read off the wire. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MplexSendTest {

  private static List<Integer> writeAndCollectMessageLengths(MplexConfig config, byte[] data, byte[] received)
      throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    try (Socket raw = s[0];
        MuxedConnection conn = new MplexMuxer(config).create(new SocketRawConnection(s[1], true), true)) {
      raw.setSoTimeout(10_000);
      MuxedStream stream = conn.openStream();
      stream.out().write(data);
      stream.out().flush();
      FrameInput in = new FrameInput(raw.getInputStream(), 1024);
      List<Integer> lengths = new ArrayList<>();
      int got = 0;
      while (got < data.length) {
        MplexFrame f = MplexFrame.read(in, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(f.streamId()).isEqualTo(stream.id());
        if (f.flag() == MplexFrame.NEW_STREAM) {
          in.skip(f.length());
          continue;
        }
        assertThat(f.flag()).isEqualTo(MplexFrame.MESSAGE_INITIATOR);
        lengths.add(f.length());
        for (int left = f.length(); left > 0; ) {
          int n = in.readSome(received, got, left, left);
          got += n;
          left -= n;
        }
      }
      return lengths;
    }
  }

  @Test
  void largeWritesGoOutAsFramesOfAtMostTheSendMessageSize() throws IOException {
    byte[] data = new byte[3 * MplexConfig.SEND_MESSAGE_SIZE + 1000];
    new Random(7).nextBytes(data);
    byte[] received = new byte[data.length];
    List<Integer> lengths = writeAndCollectMessageLengths(MplexConfig.DEFAULT, data, received);
    int m = MplexConfig.SEND_MESSAGE_SIZE;
    assertThat(lengths).containsExactly(m, m, m, 1000);
    assertThat(received).isEqualTo(data);
  }

  @Test
  void aSmallerMaxMessageSizeAlsoBoundsWhatIsSent() throws IOException {
    byte[] data = new byte[5000];
    new Random(8).nextBytes(data);
    byte[] received = new byte[data.length];
    MplexConfig config = MplexConfig.DEFAULT.withBuffers(2048, MplexConfig.DEFAULT_MAX_STREAM_BUFFER);
    assertThat(writeAndCollectMessageLengths(config, data, received)).containsExactly(2048, 2048, 904);
    assertThat(received).isEqualTo(data);
  }
}
