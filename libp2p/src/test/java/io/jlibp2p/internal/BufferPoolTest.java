package io.jlibp2p.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void keepsAtMostItsLimitAndHandsThemOutAgain() {
    BufferPool pool = new BufferPool(1024, 2);
    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      taken.add(pool.acquire());
    }
    assertThat(taken).allMatch(b -> b.length == 1024);
    taken.forEach(pool::release);
    assertThat(pool.pooled()).isEqualTo(2);

    byte[] again = pool.acquire();
    assertThat(taken).anyMatch(b -> b == again);
    assertThat(pool.pooled()).isEqualTo(1);
  }

  @Test
  void ignoresArraysOfAnotherSize() {
    BufferPool pool = new BufferPool(1024, 2);
    pool.release(new byte[512]);
    assertThat(pool.pooled()).isZero();
    assertThat(pool.acquire()).hasSize(1024);
  }

  @Test
  void rejectsBadSizes() {
    assertThatThrownBy(() -> new BufferPool(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BufferPool(16, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void manyThreadsNeverShareAnArray() throws Exception {
    BufferPool pool = new BufferPool(64, 4);
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger clashes = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 8; t++) {
      byte mark = (byte) (t + 1);
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 20_000; i++) {
          byte[] b = pool.acquire();
          java.util.Arrays.fill(b, mark);
          for (byte x : b) {
            if (x != mark) {
              clashes.incrementAndGet();
              break;
            }
          }
          pool.release(b);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(clashes.get()).isZero();
    assertThat(pool.pooled()).isBetween(1, 4);
  }
}
