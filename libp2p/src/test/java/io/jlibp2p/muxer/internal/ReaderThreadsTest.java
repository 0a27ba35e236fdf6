package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.muxer.MuxTestSupport;
import io.jlibp2p.muxer.SocketRawConnection;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import io.jlibp2p.muxer.yamux.internal.YamuxConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The first {@link MuxSession#PLATFORM_READERS} sessions at a time read on a platform thread, later
 * ones on a virtual thread, and a closed session gives its platform slot back.
 */
class ReaderThreadsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void platformReadersAreBoundedAndReleasedOnClose() throws Exception {
    List<YamuxConnection> sessions = new ArrayList<>();
    try {
      // more sessions than there are platform slots, whatever other tests hold
      for (int i = 0; i < MuxSession.PLATFORM_READERS + 4; i++) {
        SocketRawConnection[] pair = SocketRawConnection.pair();
        sessions.add(YamuxConnection.start(pair[0], true, YamuxConfig.DEFAULT));
        sessions.add(YamuxConnection.start(pair[1], false, YamuxConfig.DEFAULT));
      }
      List<YamuxConnection> platform =
          sessions.stream().filter(MuxSession::hasPlatformReader).toList();
      assertThat(platform).hasSizeLessThanOrEqualTo(MuxSession.PLATFORM_READERS);
      assertThat(sessions.size() - platform.size()).isGreaterThanOrEqualTo(MuxSession.PLATFORM_READERS + 8);
      if (MuxSession.PLATFORM_READERS > 0) {
        assertThat(platform).isNotEmpty();
        // the platform readers are live platform threads, named after their session
        assertThat(platformReaderNames()).hasSizeGreaterThanOrEqualTo(platform.size());
      }
    } finally {
      for (YamuxConnection s : sessions) {
        s.close();
      }
    }
    // the readers end with their sessions and free their slots: a new session gets one again
    if (MuxSession.PLATFORM_READERS > 0) {
      assertThat(MuxTestSupport.eventually(DEADLINE, ReaderThreadsTest::newSessionGetsPlatformReader)).isTrue();
    }
  }

  private static boolean newSessionGetsPlatformReader() {
    try {
      SocketRawConnection[] pair = SocketRawConnection.pair();
      YamuxConnection a = YamuxConnection.start(pair[0], true, YamuxConfig.DEFAULT);
      YamuxConnection b = YamuxConnection.start(pair[1], false, YamuxConfig.DEFAULT);
      boolean got = a.hasPlatformReader();
      a.close();
      b.close();
      return got;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Set<String> platformReaderNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.isVirtual())
        .map(Thread::getName)
        .filter(n -> n.startsWith("jlibp2p-yamux-") && n.endsWith("-reader"))
        .collect(Collectors.toSet());
  }
}
