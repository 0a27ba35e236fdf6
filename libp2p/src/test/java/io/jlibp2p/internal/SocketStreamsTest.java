package io.jlibp2p.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jlibp2p.host.Resources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketStreamsTest {
  private ServerSocket server;

  @BeforeEach
  void listen() throws IOException {
    server = ServerSocketChannel.open().socket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** A connected pair: [0] dialed, [1] accepted, both from channels. */
  private SocketStreams[] pair() throws IOException {
    Socket dialer = SocketChannel.open().socket();
    dialer.connect(server.getLocalSocketAddress(), 5_000);
    Socket accepted = server.accept();
    return new SocketStreams[] {new SocketStreams(dialer), new SocketStreams(accepted)};
  }

  private static void closeAll(SocketStreams... s) throws IOException {
    for (SocketStreams x : s) {
      x.close();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A task on a virtual thread of its own, and its result. */
  private record Running<T>(Thread thread, CompletableFuture<T> result) {}

  private static <T> Running<T> start(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        result.complete(task.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return new Running<>(t, result);
  }

  /** Writes {@code data} in chunks of random sizes (1 byte to 200 KiB) on a virtual thread. */
  private static CompletableFuture<Void> writeInChunks(OutputStream out, byte[] data, long seed, boolean close) {
    return SocketStreamsTest.<Void>start(() -> {
      Random r = new Random(seed);
      int off = 0;
      while (off < data.length) {
        int n = Math.min(data.length - off, r.nextBoolean() ? 1 + r.nextInt(64) : 1 + r.nextInt(200 * 1024));
        if (n == 1 && r.nextBoolean()) {
          out.write(data[off]);
        } else {
          out.write(data, off, n);
        }
        off += n;
      }
      out.flush();
      if (close) {
        out.close();
      }
      return null;
    }).result();
  }

  /** Reads to the end of the stream in reads of random sizes (1 byte to 300 KiB). */
  private static byte[] readToEnd(InputStream in, long seed) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[300 * 1024];
    while (true) {
      if (r.nextInt(8) == 0) {
        int b = in.read();
        if (b < 0) {
          return got.toByteArray();
        }
        got.write(b);
        continue;
      }
      int want = r.nextBoolean() ? 1 + r.nextInt(100) : 1 + r.nextInt(buf.length - 1);
      int off = r.nextInt(buf.length - want + 1);
      int n = in.read(buf, off, want);
      if (n < 0) {
        return got.toByteArray();
      }
      assertThat(n).isBetween(1, want);
      got.write(buf, off, n);
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  @Test
  void nativeIoIsAvailableWhereTheBuildRunsItsTests() {
    assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
    assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
    // the build passes --enable-native-access and --add-exports java.base/sun.nio.ch
    assertThat(NativeSocketIo.whyNot()).isNull();
  }

  @Test
  void everyByteArrivesInOrderBothWaysWhateverTheSizes() throws Exception {
    SocketStreams[] p = pair();
    try {
      assertThat(p[0].isNative()).isEqualTo(NativeSocketIo.available());
      assertThat(p[1].isNative()).isEqualTo(NativeSocketIo.available());
      byte[] up = random(24 << 20, 1);
      byte[] down = random(9 << 20, 2);
      CompletableFuture<Void> w1 = writeInChunks(p[0].out(), up, 3, false);
      CompletableFuture<Void> w2 = writeInChunks(p[1].out(), down, 4, false);
      CompletableFuture<byte[]> r1 = CompletableFuture.supplyAsync(() -> readExactly(p[1].in(), up.length, 5));
      byte[] gotDown = readExactly(p[0].in(), down.length, 6);
      w1.get(30, TimeUnit.SECONDS);
      w2.get(30, TimeUnit.SECONDS);
      assertThat(Arrays.equals(r1.get(30, TimeUnit.SECONDS), up)).isTrue();
      assertThat(Arrays.equals(gotDown, down)).isTrue();
    } finally {
      closeAll(p);
    }
  }

  private static byte[] readExactly(InputStream in, int n, long seed) {
    try {
      Random r = new Random(seed);
      byte[] got = new byte[n];
      int off = 0;
      while (off < n) {
        int want = Math.min(n - off, r.nextBoolean() ? 1 + r.nextInt(100) : 1 + r.nextInt(300 * 1024));
        int k = in.read(got, off, want);
        if (k < 0) {
          throw new IOException("end of stream after " + off + " of " + n + " bytes");
        }
        off += k;
      }
      return got;
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void aWriterThatFillsTheSocketWaitsUntilTheReaderMakesRoom() throws Exception {
    SocketStreams[] p = pair();
    try {
      byte[] data = random(32 << 20, 7); // far more than the socket buffers hold
      Running<Void> writer = start(() -> {
        p[0].out().write(data, 0, data.length);
        p[0].out().close();
        return null;
      });
      await(() -> writer.thread().getState() == Thread.State.WAITING, "writer waiting for room");
      assertThat(writer.result()).isNotDone();
      assertThat(readToEnd(p[1].in(), 9)).isEqualTo(data);
      writer.result().get(30, TimeUnit.SECONDS);
    } finally {
      closeAll(p);
    }
  }

  @Test
  void aLargeReadWaitsForBytesThenReturnsWhatArrived() throws Exception {
    SocketStreams[] p = pair();
    try {
      byte[] buf = new byte[256 * 1024];
      Running<Integer> reader = start(() -> p[1].in().read(buf, 0, buf.length));
      await(() -> reader.thread().getState() == Thread.State.WAITING, "reader waiting");
      assertThat(reader.result()).isNotDone();
      byte[] sent = random(10_000, 10);
      p[0].out().write(sent);
      int n = reader.result().get(10, TimeUnit.SECONDS);
      assertThat(n).isBetween(1, sent.length);
      byte[] rest = readExactly(p[1].in(), sent.length - n, 11);
      byte[] got = new byte[sent.length];
      System.arraycopy(buf, 0, got, 0, n);
      System.arraycopy(rest, 0, got, n, rest.length);
      assertThat(got).isEqualTo(sent);
    } finally {
      closeAll(p);
    }
  }

  @Test
  void theEndOfTheStreamFollowsTheLastByte() throws Exception {
    SocketStreams[] p = pair();
    try {
      byte[] sent = random(100_000, 12);
      p[0].out().write(sent);
      p[0].close();
      byte[] buf = new byte[200_000];
      int off = 0;
      int n;
      while ((n = p[1].in().read(buf, off, buf.length - off)) > 0) {
        off += n;
      }
      assertThat(n).isEqualTo(-1);
      assertThat(Arrays.copyOf(buf, off)).isEqualTo(sent);
      assertThat(p[1].in().read(buf, 0, buf.length)).isEqualTo(-1);
      assertThat(p[1].in().read()).isEqualTo(-1);
    } finally {
      closeAll(p);
    }
  }

  @Test
  void closingWakesABlockedReaderWithAnException() throws Exception {
    SocketStreams[] p = pair();
    try {
      Running<Integer> reader = start(() -> p[1].in().read(new byte[64 * 1024], 0, 64 * 1024));
      await(() -> reader.thread().getState() == Thread.State.WAITING, "reader waiting");
      p[1].close();
      assertThatThrownBy(() -> reader.result().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> p[1].in().read(new byte[8192], 0, 8192)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> p[1].out().write(new byte[8192])).isInstanceOf(IOException.class);
    } finally {
      closeAll(p);
    }
  }

  @Test
  void writingToAPeerThatClosedFailsRatherThanHangs() throws Exception {
    SocketStreams[] p = pair();
    try {
      p[1].close();
      byte[] chunk = new byte[64 * 1024];
      assertThatThrownBy(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
              p[0].out().write(chunk);
            }
          })
          .isInstanceOf(IOException.class);
    } finally {
      closeAll(p);
    }
  }

  @Test
  void aSocketWithoutAChannelGetsTheJdksStreams() throws Exception {
    Socket plain = new Socket();
    plain.connect(server.getLocalSocketAddress(), 5_000);
    SocketStreams a = new SocketStreams(plain);
    SocketStreams b = new SocketStreams(server.accept());
    try {
      assertThat(a.isNative()).isFalse();
      byte[] sent = random(1 << 20, 13);
      CompletableFuture<Void> w = writeInChunks(a.out(), sent, 14, true);
      assertThat(readToEnd(b.in(), 15)).isEqualTo(sent);
      w.get(10, TimeUnit.SECONDS);
    } finally {
      closeAll(a, b);
    }
  }

  @Test
  void manyConnectionsOpenedAndClosedLeaveNoDescriptorBehind() throws Exception {
    closeAll(pair()); // what the JDK opens once, with the first connection
    Resources.now(); // and what counting opens the first time
    Resources before = Resources.now();
    for (int i = 0; i < 200; i++) {
      SocketStreams[] p = pair();
      p[0].out().write(random(8192, i));
      readExactly(p[1].in(), 8192, i);
      closeAll(p);
    }
    await(() -> Resources.now().fileDescriptors() <= before.fileDescriptors(), "descriptors back to " + before + ", now " + Resources.now());
  }
}
