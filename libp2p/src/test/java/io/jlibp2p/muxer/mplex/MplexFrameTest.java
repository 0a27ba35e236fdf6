package io.jlibp2p.muxer.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class MplexFrameTest {
  private static FrameInput input(byte[] b, int chunk) {
    // deliver a few bytes per read so that varints straddle reads
    InputStream in = new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] dst, int off, int len) {
        return super.read(dst, off, Math.min(len, chunk));
      }
    };
    return new FrameInput(in, 64);
  }

  @Property
  void headerRoundTrips(
      @ForAll @LongRange(min = 0, max = MplexFrame.MAX_STREAM_ID) long id,
      @ForAll @IntRange(min = 0, max = 6) int flag,
      @ForAll @IntRange(min = 0, max = MplexConfig.DEFAULT_MAX_MESSAGE_SIZE) int length,
      @ForAll @IntRange(min = 1, max = 20) int chunk)
      throws IOException {
    MplexFrame f = new MplexFrame(id, flag, length);
    byte[] encoded = f.encode();
    FrameInput in = input(encoded, chunk);
    assertThat(MplexFrame.read(in, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE)).isEqualTo(f);
    assertThat(MplexFrame.read(in, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE)).isNull(); // clean EOF
  }

  @Property
  void oversizedLengthIsRejected(
      @ForAll @IntRange(min = MplexConfig.DEFAULT_MAX_MESSAGE_SIZE + 1) int length) {
    byte[] encoded = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int n = MplexFrame.write(encoded, 0, 1, MplexFrame.MESSAGE_INITIATOR, length);
    FrameInput in = input(java.util.Arrays.copyOf(encoded, n), 3);
    assertThatThrownBy(() -> MplexFrame.read(in, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("MplexConfig.maxMessageSize");
  }

  @Property
  void arbitraryBytesDecodeOrFailCleanly(@ForAll @Size(max = 40) byte[] b) {
    FrameInput in = input(b, 7);
    try {
      while (true) {
        MplexFrame f = MplexFrame.read(in, 1024);
        if (f == null) {
          return;
        }
        in.skip(f.length());
      }
    } catch (ProtocolViolationException | EOFException e) {
      // malformed or truncated: the expected failures
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Property
  void flagSevenIsRejected(@ForAll @LongRange(min = 0, max = 1000) long id) {
    byte[] b = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int n = io.jlibp2p.multiformats.Varint.write(id << 3 | 7, b, 0);
    n += io.jlibp2p.multiformats.Varint.write(0, b, n);
    FrameInput in = input(java.util.Arrays.copyOf(b, n), 2);
    assertThatThrownBy(() -> MplexFrame.read(in, 1024))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("flag 7");
  }
}
