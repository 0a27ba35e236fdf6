package io.jlibp2p.security.noise.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Encrypts written bytes into Noise transport frames: plaintext is buffered up to {@link
 * NoiseFrames#MAX_PLAINTEXT_LENGTH} bytes and sealed into one frame when the buffer is full or on
 * {@link #flush()}. Large writes are encrypted straight from the caller's array. The frame buffer
 * comes from {@link FrameBuffers#OUTPUT} when data is written and goes back on {@link #flush()}, so
 * an idle connection holds none. One writing thread; no allocation per frame.
 *
 * <p>When a write of at least a whole frame follows a few buffered bytes (up to {@link
 * #SEPARATE_PREFIX}, typically a muxer frame's header), those bytes are sealed into a frame of
 * their own, sent in the same underlying write as the first full frame of the payload. The payload
 * then fills whole frames: it is encrypted without being copied here, and a receiver that knows
 * where the payload goes can decrypt each frame straight into place.
 */
public final class NoiseOutputStream extends OutputStream {
  private static final int HEADER = NoiseFrames.LENGTH_PREFIX;

  /**
   * The most buffered bytes that are sealed into a frame of their own ahead of a write of at least
   * a whole frame (see the class description); more are topped up from the write, as usual.
   */
  static final int SEPARATE_PREFIX = 1024;

  /** The room {@link FrameBuffers#OUTPUT} has for a separately sealed prefix ahead of a frame. */
  static final int PREFIX_ROOM = HEADER + SEPARATE_PREFIX + CipherState.TAG_LENGTH;

  private final OutputStream out;
  private final CipherState cipher;
  /** Length prefix, then plaintext at {@code [HEADER, HEADER + count)}, room for the tag. */
  private byte[] frame; // null while nothing is buffered and nothing is being sent

  private int count;
  private boolean closed;

  public NoiseOutputStream(OutputStream out, CipherState cipher) {
    this.out = Objects.requireNonNull(out, "out");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    frame();
    frame[HEADER + count++] = (byte) b;
    if (count == NoiseFrames.MAX_PLAINTEXT_LENGTH) {
      sealAndSend(frame, HEADER, count);
      count = 0;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (count > 0 && count <= SEPARATE_PREFIX && len >= NoiseFrames.MAX_PLAINTEXT_LENGTH) {
      int prefix = seal(frame, HEADER, count, 0); // in place: the plaintext is at frame[HEADER]
      count = 0;
      int end = seal(b, off, NoiseFrames.MAX_PLAINTEXT_LENGTH, prefix);
      out.write(frame, 0, end);
      off += NoiseFrames.MAX_PLAINTEXT_LENGTH;
      len -= NoiseFrames.MAX_PLAINTEXT_LENGTH;
    }
    while (len > 0) {
      if (count == 0 && len >= NoiseFrames.MAX_PLAINTEXT_LENGTH) {
        sealAndSend(b, off, NoiseFrames.MAX_PLAINTEXT_LENGTH);
        off += NoiseFrames.MAX_PLAINTEXT_LENGTH;
        len -= NoiseFrames.MAX_PLAINTEXT_LENGTH;
        continue;
      }
      int n = Math.min(len, NoiseFrames.MAX_PLAINTEXT_LENGTH - count);
      frame();
      System.arraycopy(b, off, frame, HEADER + count, n);
      count += n;
      off += n;
      len -= n;
      if (count == NoiseFrames.MAX_PLAINTEXT_LENGTH) {
        sealAndSend(frame, HEADER, count);
        count = 0;
      }
    }
  }

  /** Seals any buffered bytes into a frame and flushes the underlying stream. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    if (count > 0) {
      sealAndSend(frame, HEADER, count);
      count = 0;
    }
    out.flush();
    if (frame != null) {
      FrameBuffers.OUTPUT.release(frame);
      frame = null;
    }
  }

  /** Flushes, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      if (frame != null) {
        FrameBuffers.OUTPUT.release(frame);
        frame = null;
      }
      out.close();
    }
  }

  private byte[] frame() {
    if (frame == null) {
      frame = FrameBuffers.OUTPUT.acquire();
    }
    return frame;
  }

  private void sealAndSend(byte[] src, int off, int len) throws IOException {
    int end = seal(src, off, len, 0); // acquires the frame buffer: before reading the field
    out.write(frame, 0, end);
  }

  /**
   * Seals {@code src[off, off + len)} into a frame, length prefix included, at {@code frame[at]};
   * returns where that frame ends.
   */
  private int seal(byte[] src, int off, int len, int at) throws IOException {
    frame();
    int sealed = cipher.encryptWithAd(null, src, off, len, frame, at + HEADER);
    frame[at] = (byte) (sealed >>> 8);
    frame[at + 1] = (byte) sealed;
    return at + HEADER + sealed;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("Noise output stream is closed");
    }
  }
}
