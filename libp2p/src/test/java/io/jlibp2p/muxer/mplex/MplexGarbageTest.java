package io.jlibp2p.muxer.mplex;

import io.jlibp2p.muxer.MuxTestSupport;
import io.jlibp2p.muxer.mplex.internal.MplexFrame;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Random and almost-valid input never does anything but end in a clean close. */
class MplexGarbageTest {
  @Property(tries = 40)
  void randomBytes(@ForAll @Size(max = 2000) byte[] garbage) throws Exception {
    MuxTestSupport.feedGarbage(new MplexMuxer(), garbage);
  }

  @Property(tries = 60)
  void almostValidFrames(@ForAll("frames") List<byte[]> frames) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      b.write(f);
    }
    MuxTestSupport.feedGarbage(new MplexMuxer(), b.toByteArray());
  }

  @Provide
  Arbitrary<List<byte[]>> frames() {
    Arbitrary<byte[]> frame =
        Combinators.combine(
                Arbitraries.longs().between(0, 5),
                Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 300),
                Arbitraries.integers().between(0, 300))
            .as((id, flag, length, payload) -> {
              byte[] f = new byte[MplexFrame.MAX_HEADER_LENGTH + payload];
              int n = MplexFrame.write(f, 0, id, flag, length);
              return Arrays.copyOf(f, n + payload);
            });
    return frame.list().ofMaxSize(20);
  }
}
