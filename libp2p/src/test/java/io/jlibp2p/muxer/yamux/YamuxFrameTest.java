package io.jlibp2p.muxer.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class YamuxFrameTest {
  @Property
  void headerRoundTrips(
      @ForAll @IntRange(min = 0, max = 3) int type,
      @ForAll @IntRange(min = 0, max = 0xffff) int flags,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long id,
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long length)
      throws ProtocolViolationException {
    YamuxFrame f = new YamuxFrame(type, flags, id, length);
    byte[] b = new byte[YamuxFrame.HEADER_LENGTH + 3];
    f.encode(b, 3);
    assertThat(YamuxFrame.decode(b, 3)).isEqualTo(f);
    assertThat(YamuxFrame.header(type, flags, id, length)).isEqualTo(java.util.Arrays.copyOfRange(b, 3, 15));
  }

  @Property
  void anyTwelveBytesDecodeOrAreRejected(@ForAll @Size(12) byte[] b) {
    boolean valid = b[0] == 0 && (b[1] & 0xff) <= 3;
    if (valid) {
      try {
        YamuxFrame f = YamuxFrame.decode(b, 0);
        byte[] again = new byte[12];
        f.encode(again, 0);
        assertThat(again).isEqualTo(b);
      } catch (ProtocolViolationException e) {
        throw new AssertionError(e);
      }
    } else {
      assertThatThrownBy(() -> YamuxFrame.decode(b, 0)).isInstanceOf(ProtocolViolationException.class);
    }
  }

  @Property
  void constructorRejectsOutOfRangeFields(@ForAll @IntRange(min = 4, max = 255) int type) {
    assertThatThrownBy(() -> new YamuxFrame(type, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
