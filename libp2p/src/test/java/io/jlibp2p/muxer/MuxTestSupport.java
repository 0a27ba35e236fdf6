package io.jlibp2p.muxer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.StreamMuxer;
import java.io.OutputStream;
import java.net.Socket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Polling and thread-counting helpers for the muxer tests. */
public final class MuxTestSupport {
  private static final Pattern MUX_THREAD = Pattern.compile("\"name\"\\s*:\\s*\"jlibp2p-(yamux|mplex)-");

  private MuxTestSupport() {}

  /** Polls {@code condition} until true or {@code timeout}; returns its last value. */
  public static boolean eventually(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(5); // polling interval, not a wait for the condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return condition.getAsBoolean();
      }
    }
    return condition.getAsBoolean();
  }

  /** Number of live muxer threads (virtual ones included), from a JSON thread dump. */
  public static int muxerThreads() {
    try {
      Path p = Files.createTempFile("threads", ".json");
      Files.delete(p);
      try {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .dumpThreads(p.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        Matcher m = MUX_THREAD.matcher(Files.readString(p));
        int n = 0;
        while (m.find()) {
          n++;
        }
        return n;
      } finally {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads until end of stream; returns the byte count. */
  public static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      total += n;
    }
    return total;
  }

  /**
   * Writes {@code bytes} from a raw socket to a fresh server-side muxed connection, then ends the
   * stream; asserts the connection closes cleanly (acceptStream ends in ConnectionClosedException)
   * and never hangs.
   */
  public static void feedGarbage(StreamMuxer muxer, byte[] bytes) throws IOException {
    Socket[] s = SocketRawConnection.socketPair();
    MuxedConnection server = muxer.create(new SocketRawConnection(s[1], false), false);
    try (Socket raw = s[0]) {
      Thread.ofVirtual().start(() -> { // discard whatever the server says
        try {
          raw.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // closed
        }
      });
      try {
        raw.getOutputStream().write(bytes);
        raw.shutdownOutput();
      } catch (IOException e) {
        // the server may already have closed on us
      }
      assertThat(eventually(Duration.ofSeconds(10), server::isClosed)).isTrue();
      assertThatThrownBy(() -> {
            while (true) {
              server.acceptStream().reset();
            }
          })
          .isInstanceOf(ConnectionClosedException.class);
    } finally {
      server.close();
    }
  }

  /** Used heap after a full GC, in bytes. */
  public static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
