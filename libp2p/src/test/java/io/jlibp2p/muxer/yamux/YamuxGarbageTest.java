package io.jlibp2p.muxer.yamux;

import io.jlibp2p.muxer.MuxTestSupport;
import io.jlibp2p.muxer.yamux.internal.YamuxFrame;
import java.io.ByteArrayOutputStream;
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
    MuxTestSupport.feedGarbage(new YamuxMuxer(), garbage);
  }

  @Property(tries = 60)
  void almostValidFrames(@ForAll("frames") List<byte[]> frames) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      b.write(f);
    }
    MuxTestSupport.feedGarbage(new YamuxMuxer(), b.toByteArray());
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
}
