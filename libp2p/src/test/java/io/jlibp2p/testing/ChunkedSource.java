package io.jlibp2p.testing;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * An input stream that delivers chunks one after another, for tests of readers that must not hold
 * buffers while they wait: {@code available()} counts only what is left of the current chunk, so a
 * read past it is one that would block. Each read is recorded as {@code "wait"} or {@code "ready"},
 * whether the reader held its buffer then ({@link #holding}) and the length asked for.
 */
public final class ChunkedSource extends InputStream {
  private final ArrayDeque<byte[]> next = new ArrayDeque<>();
  private byte[] current = new byte[0];
  private int at;
  private final List<String> reads = new ArrayList<>();
  /** Whether the reader under test holds its buffer; set once the reader exists. */
  public BooleanSupplier holding = () -> false;

  public ChunkedSource(List<byte[]> chunks) {
    next.addAll(chunks);
  }

  /** Every read so far, e.g. {@code "wait held=false len=64"}. */
  public List<String> reads() {
    return reads;
  }

  @Override
  public int available() {
    return current.length - at;
  }

  @Override
  public int read() {
    throw new AssertionError("single-byte read of the underlying stream");
  }

  @Override
  public int read(byte[] b, int off, int len) {
    boolean waits = at == current.length;
    reads.add((waits ? "wait" : "ready") + " held=" + holding.getAsBoolean() + " len=" + len);
    if (waits) {
      if (next.isEmpty()) {
        return -1;
      }
      current = next.poll();
      at = 0;
    }
    int n = Math.min(len, current.length - at);
    System.arraycopy(current, at, b, off, n);
    at += n;
    return n;
  }
}
