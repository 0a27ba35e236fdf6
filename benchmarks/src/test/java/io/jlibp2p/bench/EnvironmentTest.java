package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The share of CPU time other guests took, from two readings of {@code /proc/stat}. */
class EnvironmentTest {
  @Test
  void cpuLineGivesTotalAndSteal() {
    long[] t = Environment.parseCpuLine("cpu  4181797 0 631582 7335443 6682 0 156208 153954 0 0");
    assertThat(t).containsExactly(4181797L + 631582 + 7335443 + 6682 + 156208 + 153954, 153954L);
  }

  @Test
  void stolenIsTheStealShareOfTheTimeBetweenReadings() {
    long[] before = Environment.parseCpuLine("cpu  1000 0 500 8000 0 0 100 400 0 0");
    long[] after = Environment.parseCpuLine("cpu  1600 0 800 8300 0 0 100 600 0 0");
    // 1,400 ticks passed, 200 of them stolen
    assertThat(Environment.stolen(before, after)).startsWith("14.3% of CPU time");
    assertThat(Environment.stolen(null, after)).isEqualTo("unknown");
    assertThat(Environment.stolen(after, after)).isEqualTo("unknown");
  }

  @Test
  void otherLinesAreRejected() {
    assertThatThrownBy(() -> Environment.parseCpuLine("cpu0 1 2 3 4 5 6 7 8"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thisMachineIsReadable() {
    long[] t = Environment.cpuTimes();
    if (t != null) { // Linux
      assertThat(t[0]).isPositive();
      assertThat(t[1]).isBetween(0L, t[0]);
    }
  }
}
