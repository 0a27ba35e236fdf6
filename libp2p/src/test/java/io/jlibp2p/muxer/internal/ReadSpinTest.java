package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import io.jlibp2p.muxer.yamux.internal.YamuxConnection;
import io.jlibp2p.spi.MuxedStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The spin-before-park policy of stream reads, and request/response rounds that use it. */
class ReadSpinTest {
  private static final long SPIN = 50_000;

  @Test
  void spinsOnlyAfterAWriteUntilDataIsRead() {
    ReadSpin s = new ReadSpin(SPIN, new AtomicInteger(), 1);
    assertThat(s.tryStart()).as("nothing written: not waiting for a reply").isFalse();
    s.wrote();
    assertThat(s.tryStart()).isTrue();
    s.release();
    s.readData();
    assertThat(s.tryStart()).as("the reply was read").isFalse();
  }

  @Test
  void atMostTheAllowedThreadsSpinAtOnce() {
    AtomicInteger spinners = new AtomicInteger();
    ReadSpin a = new ReadSpin(SPIN, spinners, 1);
    ReadSpin b = new ReadSpin(SPIN, spinners, 1);
    a.wrote();
    b.wrote();
    assertThat(a.tryStart()).isTrue();
    assertThat(b.tryStart()).as("one spinner already").isFalse();
    a.release();
    assertThat(b.tryStart()).isTrue();
    b.release();
    assertThat(spinners.get()).isZero();
  }

  @Test
  void lateRepliesStopTheSpinningUntilARetry() {
    ReadSpin s = new ReadSpin(SPIN, new AtomicInteger(), 1);
    s.wrote();
    for (int i = 0; i < ReadSpin.MAX_MISSES; i++) {
      assertThat(s.tryStart()).isTrue();
      s.release();
      s.waited(10 * SPIN); // a slow peer
    }
    for (int i = 1; i < ReadSpin.RETRY_EVERY; i++) {
      assertThat(s.tryStart()).as("wait %d after the misses", i).isFalse();
    }
    assertThat(s.tryStart()).as("the retry").isTrue();
    s.release();
    s.waited(10 * SPIN);
    assertThat(s.tryStart()).as("the retry missed: off again").isFalse();
  }

  @Test
  void aReplyWithinTwiceTheSpinTimeIsOnTime() {
    ReadSpin s = new ReadSpin(SPIN, new AtomicInteger(), 1);
    s.wrote();
    for (int i = 0; i < 10; i++) {
      assertThat(s.tryStart()).isTrue();
      s.release();
      s.waited(i % 2 == 0 ? 2 * SPIN : 10 * SPIN); // never two late in a row
    }
    assertThat(s.tryStart()).isTrue();
    s.release();
  }

  @Test
  void aZeroSpinTimeNeverSpins() {
    ReadSpin s = new ReadSpin(0, new AtomicInteger(), 1);
    s.wrote();
    assertThat(s.tryStart()).isFalse();
  }

  /**
   * Many request/response rounds on an outbound stream, where reads spin and then park: every reply
   * arrives (a wake-up lost between the spin and the park would hang a round).
   */
  @Test
  void requestResponseRoundsAllComplete() throws Exception {
    SocketRawConnection[] pair = SocketRawConnection.pair();
    try (YamuxConnection a = YamuxConnection.start(pair[0], true, YamuxConfig.DEFAULT);
        YamuxConnection b = YamuxConnection.start(pair[1], false, YamuxConfig.DEFAULT)) {
      Thread echo = Thread.ofVirtual().start(() -> {
        try (MuxedStream in = b.acceptStream()) {
          byte[] buf = new byte[32];
          InputStream r = in.in();
          OutputStream w = in.out();
          while (r.readNBytes(buf, 0, buf.length) == buf.length) {
            w.write(buf);
          }
        } catch (IOException e) {
          // the test's own assertions report a failure
        }
      });
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        try (MuxedStream s = a.openStream()) {
          byte[] sent = new byte[32];
          byte[] back = new byte[32];
          for (int i = 0; i < 20_000; i++) {
            Arrays.fill(sent, (byte) i);
            s.out().write(sent);
            assertThat(s.in().readNBytes(back, 0, back.length)).isEqualTo(back.length);
            assertThat(back).isEqualTo(sent);
          }
          s.closeWrite();
        }
      });
      echo.join(Duration.ofSeconds(10));
    }
  }

  /** Only streams we opened spin, and only on transports that let them (QUIC does not). */
  @Test
  void onlyOutboundStreamsOfTransportsThatAllowItSpin() {
    assertThat(new StubStream(false, true).spinsForReplies()).isTrue();
    assertThat(new StubStream(true, true).spinsForReplies()).isFalse();
    assertThat(new StubStream(false, false).spinsForReplies()).isFalse();
    assertThat(new StubStream().spinsForReplies()).isFalse();
  }
}
