package io.jlibp2p.security.noise.internal;

import io.jlibp2p.core.ProtocolViolationException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Decrypts Noise transport frames. Reads the underlying stream in bulk into one fixed buffer
 * (several frames per read when they are there), decrypts each frame in place, or straight into
 * the caller's array when it has room for the whole plaintext. The buffer comes from {@link
 * FrameBuffers#INPUT}: when everything read was consumed and no more bytes are waiting, it goes
 * back before the stream blocks for more, so an idle connection holds none. One reading thread; no
 * allocation per frame.
 *
 * <p>A frame that fails authentication, or a stream that ends inside a frame, is a {@link
 * ProtocolViolationException}; the connection is then closed through {@code onFailure} and every
 * later read fails the same way.
 */
public final class NoiseInputStream extends InputStream {
  private static final int HEADER = NoiseFrames.LENGTH_PREFIX;
  private static final int TAG = CipherState.TAG_LENGTH;
  /** Bytes an idle stream's blocking read asks for. */
  private static final int IDLE_READ = 64;

  private final InputStream in;
  private final CipherState cipher;
  private final Closeable onFailure;
  /** Raw bytes from {@code in}; room for four whole frames ({@link FrameBuffers#INPUT}). */
  private byte[] buf; // null while nothing is buffered
  /** Where an idle stream waits for its next bytes, without holding {@link #buf}. */
  private final byte[] probe = new byte[IDLE_READ];

  /** Decrypted, unread plaintext: {@code buf[plainPos, plainLimit)}. */
  private int plainPos;
  private int plainLimit;
  /** Raw, not yet decrypted bytes: {@code buf[rawPos, rawLimit)}. */
  private int rawPos;
  private int rawLimit;

  private boolean eof;
  private IOException failure;

  public NoiseInputStream(InputStream in, CipherState cipher, Closeable onFailure) {
    this.in = Objects.requireNonNull(in, "in");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  @Override
  public int read() throws IOException {
    if (plainPos == plainLimit && !nextFrame(null, 0, 0)) {
      return -1;
    }
    return buf[plainPos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (plainPos == plainLimit) {
      int direct = nextFrameDirect(b, off, len);
      if (direct != 0) {
        return direct; // > 0: plaintext decrypted into b; -1: end of stream
      }
    }
    int n = Math.min(len, plainLimit - plainPos);
    System.arraycopy(buf, plainPos, b, off, n);
    plainPos += n;
    return n;
  }

  /**
   * Decrypted bytes not yet read; when there are none, the plaintext length of the next frame if
   * all of it has been received (buffered here or waiting in {@code in}), so that it can be read
   * without blocking; else 0.
   */
  @Override
  public int available() throws IOException {
    if (plainPos < plainLimit) {
      return plainLimit - plainPos;
    }
    if (buf == null || failure != null || rawLimit - rawPos < HEADER) {
      return 0;
    }
    int frameLength = ((buf[rawPos] & 0xff) << 8) | (buf[rawPos + 1] & 0xff);
    if (frameLength <= TAG) {
      return 0; // an empty frame's read goes on to the next frame, which may block
    }
    int missing = HEADER + frameLength - (rawLimit - rawPos);
    if (missing > 0 && (eof || in.available() < missing)) {
      return 0;
    }
    return frameLength - TAG;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Reads the next frame: decrypts it into {@code b} when the plaintext fits in {@code len} and
   * returns its length, else decrypts it in place and returns 0 (also for an empty frame). Returns
   * -1 at a clean end of stream.
   */
  private int nextFrameDirect(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (!fill(HEADER)) {
      return -1;
    }
    int frameLength = ((buf[rawPos] & 0xff) << 8) | (buf[rawPos + 1] & 0xff);
    if (frameLength < TAG) {
      throw fail(
          new ProtocolViolationException(
              "Noise frame of " + frameLength + " bytes is shorter than the 16-byte tag"));
    }
    if (!fill(HEADER + frameLength)) {
      throw fail(
          new ProtocolViolationException(
              "Noise: stream ended inside a frame of " + frameLength + " bytes"));
    }
    int cipherOff = rawPos + HEADER;
    rawPos += HEADER + frameLength;
    int plainLength = frameLength - TAG;
    try {
      if (plainLength > 0 && plainLength <= len) {
        return cipher.decryptWithAd(null, buf, cipherOff, frameLength, b, off);
      }
      cipher.decryptWithAd(null, buf, cipherOff, frameLength, buf, cipherOff);
    } catch (AEADBadTagException e) {
      throw fail(new ProtocolViolationException("Noise frame failed authentication", e));
    } catch (NonceExhaustedException e) {
      throw fail(e);
    }
    plainPos = cipherOff;
    plainLimit = cipherOff + plainLength;
    return 0;
  }

  private boolean nextFrame(byte[] b, int off, int len) throws IOException {
    while (plainPos == plainLimit) {
      if (nextFrameDirect(b, off, len) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Makes {@code n} raw bytes available at {@code rawPos}; false at end of stream (an error unless
   * no byte of the frame was read, which {@link #nextFrameDirect} sorts out).
   */
  private boolean fill(int n) throws IOException {
    if (buf != null && rawLimit - rawPos >= n) {
      return true;
    }
    if (rawPos == rawLimit) {
      rawPos = rawLimit = 0;
      if (buf == null || (!eof && in.available() == 0)) {
        return waitIdle() && fill(n);
      }
    } else if (buf.length - rawPos < n) {
      System.arraycopy(buf, rawPos, buf, 0, rawLimit - rawPos);
      rawLimit -= rawPos;
      rawPos = 0;
    }
    while (rawLimit - rawPos < n) {
      if (eof) {
        if (rawLimit != rawPos) {
          throw fail(
              new ProtocolViolationException(
                  "Noise: stream ended inside a frame ("
                      + (rawLimit - rawPos)
                      + " of "
                      + n
                      + " bytes)"));
        }
        return false;
      }
      int r = in.read(buf, rawLimit, buf.length - rawLimit);
      if (r < 0) {
        eof = true;
      } else {
        rawLimit += r;
      }
    }
    return true;
  }

  /**
   * Nothing is buffered and nothing waits: gives the buffer back, blocks for the next bytes in a
   * small array, then takes a buffer again. False at end of stream.
   */
  private boolean waitIdle() throws IOException {
    if (buf != null) {
      FrameBuffers.INPUT.release(buf);
      buf = null;
    }
    if (eof) {
      return false;
    }
    int r = in.read(probe, 0, probe.length);
    if (r < 0) {
      eof = true;
      return false;
    }
    buf = FrameBuffers.INPUT.acquire();
    System.arraycopy(probe, 0, buf, 0, r);
    rawPos = 0;
    rawLimit = r;
    return true;
  }

  private IOException fail(IOException e) {
    failure = e;
    try {
      onFailure.close();
    } catch (IOException | RuntimeException ignored) {
      // closing is best effort; the failure is what the caller needs to see
    }
    return e;
  }
}
