package io.jlibp2p.protocol.perf;

import io.jlibp2p.core.ProtocolHandler;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The perf protocol ({@code /perf/1.0.0}, specs {@code perf/perf.md}): the client sends the number
 * of bytes it wants back as a big-endian u64, then its upload, then closes its write side; the
 * server discards the upload, sends the requested bytes and closes.
 *
 * <p>As a {@link ProtocolHandler} it is the server (stateless, thread-safe). {@link #run} is the
 * client; it blocks until both directions are done.
 *
 * {@snippet :
 * try (Stream s = host.newStream(server, Perf.ID)) {
 *   Perf.Result r = Perf.run(s, 100 << 20, 100 << 20, new Perf.Progress());
 * }
 * }
 */
public final class Perf implements ProtocolHandler {
  public static final ProtocolId ID = ProtocolId.of("/perf/1.0.0");

  /**
   * Largest buffer bytes are read into and written from. A read that waits for data costs a
   * thread wake-up, which on a busy machine takes a CPU from the connection's reader: the larger
   * the reads, the fewer the wake-ups per byte.
   */
  public static final int BUFFER_SIZE = 1024 * 1024;

  /**
   * First size of the buffer a side reads into. It doubles, up to {@link #BUFFER_SIZE}, after each
   * read that fills it, so that a short transfer does not allocate the largest buffer.
   */
  static final int FIRST_READ_BUFFER = 16 * 1024;

  /** Largest download a server agrees to send (1 TiB). */
  public static final long MAX_DOWNLOAD = 1L << 40;

  /** Byte counters a reporter may read while a run goes on. Thread-safe. */
  public static final class Progress {
    public final AtomicLong uploaded = new AtomicLong();
    public final AtomicLong downloaded = new AtomicLong();
  }

  /**
   * What a run measured.
   *
   * @param uploadBytes bytes sent
   * @param downloadBytes bytes received
   * @param uploadNanos time from the first byte sent to the write side closed
   * @param totalNanos time from the first byte sent to the last byte received
   */
  public record Result(long uploadBytes, long downloadBytes, long uploadNanos, long totalNanos) {}

  @Override
  public void handle(Stream s) throws IOException {
    byte[] header = new byte[8];
    if (!s.readFully(header)) {
      throw new EOFException("perf: stream ended before the download size");
    }
    long download = ByteBuffer.wrap(header).getLong();
    if (download < 0 || download > MAX_DOWNLOAD) {
      throw new ProtocolViolationException(
          "perf: download of " + Long.toUnsignedString(download) + " bytes (expected: at most " + MAX_DOWNLOAD + ")");
    }
    drain(s.in(), null);
    send(s.out(), download, null);
    s.closeWrite();
  }

  /** The client side on an open {@code /perf/1.0.0} stream. */
  public static Result run(Stream s, long uploadBytes, long downloadBytes, Progress progress)
      throws IOException {
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("perf: negative byte count");
    }
    long start = System.nanoTime();
    OutputStream out = s.out();
    out.write(ByteBuffer.allocate(8).putLong(downloadBytes).array());
    send(out, uploadBytes, progress.uploaded);
    s.closeWrite();
    long uploaded = System.nanoTime();
    long received = drain(s.in(), progress.downloaded);
    long end = System.nanoTime();
    if (received != downloadBytes) {
      throw new ProtocolViolationException(
          "perf: received " + received + " bytes (expected: " + downloadBytes + ")");
    }
    return new Result(uploadBytes, received, uploaded - start, end - start);
  }

  private static void send(OutputStream out, long n, AtomicLong counter) throws IOException {
    byte[] buf = new byte[(int) Math.min(BUFFER_SIZE, n)];
    while (n > 0) {
      int len = (int) Math.min(buf.length, n);
      out.write(buf, 0, len);
      n -= len;
      if (counter != null) {
        counter.addAndGet(len);
      }
    }
    out.flush();
  }

  private static long drain(InputStream in, AtomicLong counter) throws IOException {
    byte[] buf = new byte[FIRST_READ_BUFFER];
    long total = 0;
    int r;
    while ((r = in.read(buf)) >= 0) {
      total += r;
      if (r == buf.length && buf.length < BUFFER_SIZE) {
        buf = new byte[Math.min(BUFFER_SIZE, 2 * buf.length)];
      }
      if (counter != null) {
        counter.addAndGet(r);
      }
    }
    return total;
  }
}
