package io.jlibp2p.security.noise.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NoiseStreamsTest {
  static final byte[] KEY = new byte[32];

  static {
    new Random(7).nextBytes(KEY);
  }

  /**
   * Writes chunks, with a flush after each or only at the end (then small chunks stay buffered
   * ahead of large ones), and reads everything back with the given read size.
   */
  @Property(tries = 100)
  void roundTrip(
      @ForAll @Size(max = 8) List<@IntRange(max = 200_000) Integer> chunks,
      @ForAll @IntRange(min = 1, max = 100_000) int readSize,
      @ForAll boolean flushEach) throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(chunks.hashCode());
    for (int size : chunks) {
      byte[] chunk = new byte[size];
      random.nextBytes(chunk);
      out.write(chunk);
      if (flushEach) {
        out.flush();
      }
      expected.writeBytes(chunk);
    }
    out.flush();
    byte[] frames = wire.toByteArray();
    assertFramesWellFormed(frames);

    NoiseInputStream in =
        new NoiseInputStream(new ByteArrayInputStream(frames), CipherState.withKey(KEY), () -> {});
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    byte[] buf = new byte[readSize];
    int n;
    while ((n = in.read(buf)) >= 0) {
      assertThat(n).isPositive();
      actual.write(buf, 0, n);
    }
    assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
  }

  /** The plaintext of each frame on {@code wire}, in order. */
  private static List<byte[]> framePlaintexts(byte[] wire) throws Exception {
    CipherState receiver = CipherState.withKey(KEY);
    List<byte[]> out = new java.util.ArrayList<>();
    int pos = 0;
    while (pos < wire.length) {
      int len = ((wire[pos] & 0xff) << 8) | (wire[pos + 1] & 0xff);
      byte[] plain = new byte[len - CipherState.TAG_LENGTH];
      receiver.decryptWithAd(null, wire, pos + 2, len, plain, 0);
      out.add(plain);
      pos += 2 + len;
    }
    return out;
  }

  @Test
  void aFewBufferedBytesBeforeAWholeFrameAreSealedApartInTheSameWrite() throws Exception {
    List<Integer> writes = new java.util.ArrayList<>();
    ByteArrayOutputStream wire =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            writes.add(len);
            super.write(b, off, len);
          }
        };
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    byte[] header = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    byte[] payload = new byte[3 * NoiseFrames.MAX_PLAINTEXT_LENGTH + 68];
    new Random(3).nextBytes(payload);
    out.write(header);
    out.write(payload);
    out.flush();

    List<byte[]> frames = framePlaintexts(wire.toByteArray());
    assertThat(frames).hasSize(5);
    assertThat(frames.get(0)).isEqualTo(header);
    for (int i = 1; i <= 3; i++) {
      assertThat(frames.get(i)).hasSize(NoiseFrames.MAX_PLAINTEXT_LENGTH);
    }
    assertThat(frames.get(4)).hasSize(68);
    // the header's frame went out with the payload's first: no extra write for it
    assertThat(writes.getFirst()).isEqualTo(2 + header.length + CipherState.TAG_LENGTH + 2 + NoiseFrames.MAX_FRAME_LENGTH);
    assertThat(writes).hasSize(4);
  }

  @Test
  void moreBufferedBytesAreToppedUpFromTheWriteAsBefore() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    out.write(new byte[NoiseOutputStream.SEPARATE_PREFIX + 1]);
    out.write(new byte[NoiseFrames.MAX_PLAINTEXT_LENGTH]);
    out.flush();
    List<byte[]> frames = framePlaintexts(wire.toByteArray());
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).hasSize(NoiseFrames.MAX_PLAINTEXT_LENGTH);
    assertThat(frames.get(1)).hasSize(NoiseOutputStream.SEPARATE_PREFIX + 1);
  }

  static void assertFramesWellFormed(byte[] frames) {
    int pos = 0;
    while (pos < frames.length) {
      int len = ((frames[pos] & 0xff) << 8) | (frames[pos + 1] & 0xff);
      assertThat(len).isBetween(CipherState.TAG_LENGTH + 1, NoiseFrames.MAX_FRAME_LENGTH);
      pos += 2 + len;
    }
    assertThat(pos).isEqualTo(frames.length);
  }

  @Test
  void fullBufferIsSentWithoutFlush() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    out.write(new byte[NoiseFrames.MAX_PLAINTEXT_LENGTH - 1]);
    assertThat(wire.size()).isZero();
    out.write(0);
    assertThat(wire.size()).isEqualTo(2 + NoiseFrames.MAX_FRAME_LENGTH);
  }

  @Test
  void tamperedFrameClosesAndFailsForGood() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    out.write(new byte[] {1, 2, 3});
    out.flush();
    byte[] frames = wire.toByteArray();
    frames[3] ^= 1;
    AtomicBoolean closed = new AtomicBoolean();
    NoiseInputStream in =
        new NoiseInputStream(
            new ByteArrayInputStream(frames), CipherState.withKey(KEY), () -> closed.set(true));
    assertThatThrownBy(in::read).hasMessageContaining("failed authentication");
    assertThat(closed).isTrue();
    assertThatThrownBy(() -> in.read(new byte[10])).hasMessageContaining("failed authentication");
  }

  @Test
  void emptyFramesAreSkipped() throws Exception {
    CipherState sender = CipherState.withKey(KEY);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] payload : new byte[][] {{}, {}, {9}}) {
      byte[] ct = sender.encryptWithAd(null, payload);
      wire.write(ct.length >>> 8);
      wire.write(ct.length);
      wire.write(ct);
    }
    NoiseInputStream in =
        new NoiseInputStream(
            new ByteArrayInputStream(wire.toByteArray()), CipherState.withKey(KEY), () -> {});
    assertThat(in.read(new byte[5])).isEqualTo(1);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void nonceExhaustionIsAnError() throws Exception {
    CipherState cs = CipherState.withKey(KEY);
    cs.setNonce(-2L); // 2^64 - 2, the last usable nonce
    cs.encryptWithAd(null, new byte[] {1});
    assertThat(cs.nonce()).isEqualTo(-1L);
    assertThatThrownBy(() -> cs.encryptWithAd(null, new byte[] {1}))
        .isInstanceOf(NonceExhaustedException.class)
        .hasMessageContaining("2^64-1");
    NoiseOutputStream out = new NoiseOutputStream(new ByteArrayOutputStream(), cs);
    out.write(1);
    assertThatThrownBy(out::flush).isInstanceOf(NonceExhaustedException.class);
  }

  @Test
  void nonceIsLittleEndianAfterFourZeroBytes() throws Exception {
    // the same key at nonce 0x0102 must give what a fresh cipher gives after 0x0102 messages
    CipherState jumped = CipherState.withKey(KEY);
    jumped.setNonce(0x0102);
    CipherState stepped = CipherState.withKey(KEY);
    for (int i = 0; i < 0x0102; i++) {
      stepped.encryptWithAd(null, new byte[0]);
    }
    assertThat(jumped.encryptWithAd(null, new byte[] {5, 6}))
        .isEqualTo(stepped.encryptWithAd(null, new byte[] {5, 6}));
  }

  @Test
  void availableCountsOnlyWholeReceivedFrames() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    NoiseOutputStream out = new NoiseOutputStream(wire, CipherState.withKey(KEY));
    out.write(new byte[100]);
    out.flush();
    out.write(new byte[50]);
    out.flush();
    byte[] frames = wire.toByteArray(); // a frame of 100 plaintext bytes, then one of 50
    int second = 2 + 100 + CipherState.TAG_LENGTH;
    // all but the last byte of the second frame has arrived
    NoiseInputStream in =
        new NoiseInputStream(
            new ByteArrayInputStream(java.util.Arrays.copyOf(frames, frames.length - 1)),
            CipherState.withKey(KEY),
            () -> {});
    assertThat(in.available()).isZero(); // nothing read from the wire yet
    assertThat(in.read(new byte[10])).isEqualTo(10);
    assertThat(in.available()).isEqualTo(90); // decrypted, unread
    assertThat(in.read(new byte[90])).isEqualTo(90);
    // the second frame is incomplete: reading it would block
    assertThat(frames.length - 1 - second).isLessThan(2 + 50 + CipherState.TAG_LENGTH);
    assertThat(in.available()).isZero();

    NoiseInputStream whole =
        new NoiseInputStream(new ByteArrayInputStream(frames), CipherState.withKey(KEY), () -> {});
    assertThat(whole.read(new byte[100])).isEqualTo(100);
    assertThat(whole.available()).isEqualTo(50); // received whole, not yet decrypted
    assertThat(whole.read(new byte[50])).isEqualTo(50);
    assertThat(whole.available()).isZero();
  }
}
