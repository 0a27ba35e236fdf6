package io.jlibp2p.transport.quic.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check itself: it must see a buffer that was never released, and only that. */
class NettyLeaksTest {
  @Test
  void runsAtTheParanoidLevel() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void reportsABufferThatWasNeverReleased() {
    NettyLeaks.collect(); // whatever earlier classes left is theirs to report
    allocate("released", true);
    allocate("dropped", false);

    List<String> leaks = NettyLeaks.collect();

    assertThat(leaks).hasSize(1);
    assertThat(leaks.getFirst()).contains("was never released", "dropped", "NettyLeaksTest.allocate");
    assertThat(NettyLeaks.collect()).as("a leak is reported once").isEmpty();
  }

  private static void allocate(String hint, boolean release) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
    b.writeLong(42).touch(hint);
    if (release) {
      b.release();
    }
  }
}
