package io.jlibp2p.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.internal.KernelWarmup;
import io.jlibp2p.internal.VectorSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Frame codec round trips and hostile frames: each violation is a clear exception and a close. */
class WsFramesTest {
  private static final int MAX_PAYLOAD = 100_000;

  /** Records what the input asked of its connection. */
  static final class RecordingPeer implements WsInput.Peer {
    final List<byte[]> pings = new ArrayList<>();
    int closeCode = Integer.MIN_VALUE;
    int violationCode = Integer.MIN_VALUE;

    @Override
    public void onPing(byte[] payload, int len) {
      pings.add(Arrays.copyOf(payload, len));
    }

    @Override
    public void onClose(int code) {
      closeCode = code;
    }

    @Override
    public void onViolation(int code, String message) {
      violationCode = code;
    }
  }

  /** Appends frames, masked or not, built with {@link WsFrames}. */
  static final class Frames {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final boolean masked;
    final SplittableRandom random = new SplittableRandom(1);

    Frames(boolean masked) {
      this.masked = masked;
    }

    Frames frame(boolean fin, int opcode, byte[] payload) {
      return raw(fin ? 0x80 : 0, opcode, payload, masked, payload.length);
    }

    /** A frame with the given first-byte flags, masking and declared length. */
    Frames raw(int flags, int opcode, byte[] payload, boolean mask, long declaredLength) {
      byte[] h = new byte[WsFrames.MAX_HEADER_LENGTH];
      int key = random.nextInt();
      int n = WsFrames.writeHeader(h, 0, false, opcode, declaredLength, mask, key);
      h[0] |= (byte) flags;
      out.write(h, 0, n);
      byte[] p = payload.clone();
      if (mask) {
        WsFrames.mask(p, 0, p.length, key, 0);
      }
      out.write(p, 0, p.length);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static WsInput input(byte[] wire, boolean expectMasked, RecordingPeer peer) {
    return new WsInput(new ByteArrayInputStream(wire), expectMasked, MAX_PAYLOAD, 1024, peer);
  }

  @Property
  void maskIsLongWideXorWithTheRightKeyByte(
      @ForAll @Size(max = 100) byte[] data, @ForAll int key, @ForAll @IntRange(max = 1000) int position,
      @ForAll @IntRange(max = 7) int offset) {
    byte[] b = new byte[offset + data.length];
    System.arraycopy(data, 0, b, offset, data.length);
    WsFrames.mask(b, offset, data.length, key, position);
    for (int i = 0; i < data.length; i++) {
      int keyByte = (key >>> (24 - 8 * ((position + i) & 3))) & 0xFF;
      assertThat(b[offset + i]).isEqualTo((byte) (data[i] ^ keyByte));
    }
    WsFrames.mask(b, offset, data.length, key, position);
    assertThat(Arrays.copyOfRange(b, offset, b.length)).isEqualTo(data);
  }

  /** Both forms, the vector one where this JVM has it, against the byte-at-a-time definition. */
  @Property
  void everyMaskFormXorsEachByteWithItsKeyByte(
      @ForAll @Size(max = 600) byte[] data, @ForAll int key, @ForAll @IntRange(max = 1000) int position,
      @ForAll @IntRange(max = 9) int srcOffset, @ForAll @IntRange(max = 9) int dstOffset, @ForAll boolean vector) {
    Assume.that(!vector || WsFrames.VECTOR_MASK);
    byte[] src = new byte[srcOffset + data.length];
    System.arraycopy(data, 0, src, srcOffset, data.length);
    byte[] dst = new byte[dstOffset + data.length + 3];
    WsFrames.maskCopy(src, srcOffset, dst, dstOffset, data.length, key, position, vector);
    for (int i = 0; i < data.length; i++) {
      int keyByte = (key >>> (24 - 8 * ((position + i) & 3))) & 0xFF;
      assertThat(dst[dstOffset + i]).as("byte %d", i).isEqualTo((byte) (data[i] ^ keyByte));
    }
    // nothing written outside the range
    assertThat(Arrays.copyOfRange(dst, 0, dstOffset)).isEqualTo(new byte[dstOffset]);
    assertThat(Arrays.copyOfRange(dst, dstOffset + data.length, dst.length)).isEqualTo(new byte[3]);
    // in place, as a receiver unmasks
    WsFrames.maskCopy(src, srcOffset, src, srcOffset, data.length, key, position, vector);
    assertThat(Arrays.copyOfRange(src, srcOffset, src.length)).isEqualTo(Arrays.copyOfRange(dst, dstOffset, dstOffset + data.length));
  }

  @Example
  void theMaskFormIsChosenByItsPropertyLikeNoisesForms() {
    assertThat(WsFrames.vectorMask("SCALAR")).isFalse();
    // an unknown value is logged and the scalar form taken
    assertThat(WsFrames.vectorMask("fast")).isFalse();
    assertThat(WsFrames.vectorMask("auto")).isEqualTo(VectorSupport.whyNot() == null);
    assertThat(WsFrames.vectorMask("Vector")).isEqualTo(VectorSupport.whyNot() == null);
  }

  @Example
  void theVectorMaskWarmsUpWhereTheJvmHasIt() throws Exception {
    Assume.that(WsFrames.VECTOR_MASK);
    assertThat(WsFrames.VECTOR_WARMUP.await(java.time.Duration.ofSeconds(KernelWarmup.MAX_SECONDS))).isTrue();
  }

  @Property
  void maskCopyIsCopyThenMask(
      @ForAll @Size(max = 100) byte[] data, @ForAll int key, @ForAll @IntRange(max = 1000) int position,
      @ForAll @IntRange(max = 9) int offset) {
    byte[] copied = new byte[offset + data.length];
    WsFrames.maskCopy(data, 0, copied, offset, data.length, key, position);
    byte[] expected = data.clone();
    WsFrames.mask(expected, 0, expected.length, key, position);
    assertThat(Arrays.copyOfRange(copied, offset, copied.length)).isEqualTo(expected);
  }

  @Property
  void headerLengthMatchesWhatIsWritten(@ForAll @IntRange(max = Integer.MAX_VALUE) int length, @ForAll boolean masked) {
    byte[] h = new byte[WsFrames.MAX_HEADER_LENGTH];
    assertThat(WsFrames.writeHeader(h, 0, true, WsFrames.OP_BINARY, length, masked, 0))
        .isEqualTo(WsFrames.headerLength(length, masked));
  }

  @Provide
  Arbitrary<List<byte[]>> messages() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000).list().ofMaxSize(12);
  }

  /** Messages, fragmented at random, with pings and pongs between fragments, then a close. */
  @Property
  void framesRoundTrip(@ForAll("messages") List<byte[]> messages, @ForAll boolean masked, @ForAll long seed)
      throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    Frames f = new Frames(masked);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<byte[]> pings = new ArrayList<>();
    for (byte[] m : messages) {
      expected.write(m);
      int off = 0;
      boolean first = true;
      do {
        int n = Math.min(m.length - off, r.nextInt(m.length + 1));
        if (r.nextInt(4) == 0) {
          byte[] ping = new byte[r.nextInt(WsFrames.MAX_CONTROL_PAYLOAD + 1)];
          r.nextBytes(ping);
          pings.add(ping);
          f.frame(true, WsFrames.OP_PING, ping);
        }
        if (r.nextInt(5) == 0) {
          f.frame(true, WsFrames.OP_PONG, new byte[3]);
        }
        boolean fin = off + n == m.length;
        f.frame(fin, first ? WsFrames.OP_BINARY : WsFrames.OP_CONTINUATION, Arrays.copyOfRange(m, off, off + n));
        first = false;
        off += n;
      } while (off < m.length);
    }
    f.frame(true, WsFrames.OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
    f.frame(true, WsFrames.OP_BINARY, new byte[] {1}); // after the close: never read
    RecordingPeer peer = new RecordingPeer();
    WsInput in = input(f.bytes(), masked, peer);
    byte[] got = readAll(in, r);
    assertThat(got).isEqualTo(expected.toByteArray());
    assertThat(peer.pings).containsExactlyElementsOf(pings);
    assertThat(peer.closeCode).isEqualTo(1000);
    assertThat(in.read()).isEqualTo(-1);
  }

  private static byte[] readAll(WsInput in, SplittableRandom r) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[5000];
    while (true) {
      if (r.nextInt(8) == 0) {
        int b = in.read();
        if (b < 0) {
          return got.toByteArray();
        }
        got.write(b);
        continue;
      }
      int n = in.read(buf, 0, 1 + r.nextInt(buf.length));
      if (n < 0) {
        return got.toByteArray();
      }
      got.write(buf, 0, n);
    }
  }

  /** What WsOutput sends, WsInput reads back: client (masked) and server (unmasked). */
  @Property
  void outputToInputRoundTrip(@ForAll("messages") List<byte[]> writes, @ForAll boolean client,
      @ForAll @IntRange(min = 1, max = 4096) int frameSize, @ForAll boolean pooledInput, @ForAll long seed)
      throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    WsOutput out = new WsOutput(wire, client, new SplittableRandom(seed), frameSize);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    SplittableRandom r = new SplittableRandom(seed);
    for (byte[] w : writes) {
      expected.write(w);
      if (w.length == 1) {
        out.write(w[0]);
      } else {
        out.write(w);
      }
      if (r.nextBoolean()) {
        out.flush();
      }
      if (r.nextInt(6) == 0) {
        out.sendPong(new byte[] {7, 7}, 2); // a pong between data frames is skipped by the reader
      }
    }
    out.flush();
    out.close();
    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    RecordingPeer peer = new RecordingPeer();
    WsInput in = pooledInput
        ? new WsInput(new ByteArrayInputStream(wire.toByteArray()), client, MAX_PAYLOAD, new BufferPool(1024, 1), peer)
        : input(wire.toByteArray(), client, peer);
    byte[] got = readAll(in, r);
    assertThat(got).isEqualTo(expected.toByteArray());
    assertThat(peer.closeCode).isEqualTo(WsFrames.CLOSE_NORMAL);
    if (!client) {
      // server frames carry no mask bit
      assertThat(wire.toByteArray()[1] & 0x80).isZero();
    }
  }

  /** Random bytes give data, an end, or an IOException: nothing else, and never more than was sent. */
  @Property
  void garbageEndsInAnIOException(@ForAll @Size(max = 400) byte[] garbage, @ForAll boolean expectMasked) {
    RecordingPeer peer = new RecordingPeer();
    WsInput in = input(garbage, expectMasked, peer);
    try {
      byte[] got = in.readAllBytes();
      assertThat(got.length).isLessThan(garbage.length + 1);
    } catch (ProtocolViolationException e) {
      assertThat(e).hasMessageStartingWith("WebSocket: ");
      assertThat(peer.violationCode).isIn(1002, 1003, 1009);
    } catch (IOException e) {
      assertThat(e).isInstanceOf(EOFException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // hostile frames

  private static void assertViolation(byte[] wire, boolean expectMasked, int closeCode, String message) {
    RecordingPeer peer = new RecordingPeer();
    WsInput in = input(wire, expectMasked, peer);
    assertThatThrownBy(() -> in.readAllBytes())
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(message);
    assertThat(peer.violationCode).isEqualTo(closeCode);
    // sticky: the stream does not resynchronise on garbage
    assertThatThrownBy(in::read).isInstanceOf(ProtocolViolationException.class);
  }

  @Example
  void oversizedFrame() {
    assertViolation(new Frames(false).frame(true, WsFrames.OP_BINARY, new byte[MAX_PAYLOAD + 1]).bytes(),
        false, WsFrames.CLOSE_TOO_BIG, "frame payload of 100001 bytes (limit 100000)");
    // a 2^62-byte length is refused from the header alone
    assertViolation(new Frames(false).raw(0x80, WsFrames.OP_BINARY, new byte[0], false, 1L << 62).bytes(),
        false, WsFrames.CLOSE_TOO_BIG, "limit 100000");
  }

  @Example
  void lengthWithTheTopBitSet() {
    byte[] wire = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
    assertViolation(wire, false, WsFrames.CLOSE_PROTOCOL_ERROR, "most significant bit");
  }

  @Example
  void unmaskedClientFrame() {
    assertViolation(new Frames(false).frame(true, WsFrames.OP_BINARY, new byte[] {1}).bytes(),
        true, WsFrames.CLOSE_PROTOCOL_ERROR, "unmasked frame from a client");
  }

  @Example
  void maskedServerFrame() {
    assertViolation(new Frames(true).frame(true, WsFrames.OP_BINARY, new byte[] {1}).bytes(),
        false, WsFrames.CLOSE_PROTOCOL_ERROR, "masked frame from a server");
  }

  @Property
  void reservedBits(@ForAll @IntRange(min = 1, max = 7) int rsv, @ForAll boolean masked) {
    byte[] wire = new Frames(masked).raw(0x80 | rsv << 4, WsFrames.OP_BINARY, new byte[] {1}, masked, 1).bytes();
    assertViolation(wire, masked, WsFrames.CLOSE_PROTOCOL_ERROR, "reserved bits");
  }

  @Property
  void unknownOpcodes(@ForAll("badOpcodes") int opcode, @ForAll boolean masked) {
    assertViolation(new Frames(masked).frame(true, opcode, new byte[] {1}).bytes(),
        masked, WsFrames.CLOSE_PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
  }

  @Provide
  Arbitrary<Integer> badOpcodes() {
    return Arbitraries.of(3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF);
  }

  @Example
  void textFrame() {
    assertViolation(new Frames(false).frame(true, WsFrames.OP_TEXT, "hi".getBytes()).bytes(),
        false, WsFrames.CLOSE_UNSUPPORTED_DATA, "text frame");
  }

  @Property
  void fragmentedControlFrame(@ForAll("controlOpcodes") int opcode) {
    assertViolation(new Frames(false).frame(false, opcode, new byte[2]).bytes(),
        false, WsFrames.CLOSE_PROTOCOL_ERROR, "fragmented control frame");
  }

  @Provide
  Arbitrary<Integer> controlOpcodes() {
    return Arbitraries.of(WsFrames.OP_CLOSE, WsFrames.OP_PING, WsFrames.OP_PONG);
  }

  @Property
  void oversizedControlFrame(@ForAll("controlOpcodes") int opcode) {
    assertViolation(new Frames(false).frame(true, opcode, new byte[126]).bytes(),
        false, WsFrames.CLOSE_PROTOCOL_ERROR, "control frame payload of 126 bytes");
  }

  @Example
  void continuationOutsideAMessage() {
    assertViolation(new Frames(false).frame(true, WsFrames.OP_CONTINUATION, new byte[] {1}).bytes(),
        false, WsFrames.CLOSE_PROTOCOL_ERROR, "continuation frame outside");
  }

  @Example
  void newMessageInsideAFragmentedOne() {
    byte[] wire = new Frames(false).frame(false, WsFrames.OP_BINARY, new byte[] {1})
        .frame(true, WsFrames.OP_BINARY, new byte[] {2}).bytes();
    assertViolation(wire, false, WsFrames.CLOSE_PROTOCOL_ERROR, "new data frame inside");
  }

  @Example
  void badCloseFrames() {
    assertViolation(new Frames(false).frame(true, WsFrames.OP_CLOSE, new byte[] {3}).bytes(),
        false, WsFrames.CLOSE_PROTOCOL_ERROR, "1-byte payload");
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) {
      assertViolation(new Frames(false).frame(true, WsFrames.OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code}).bytes(),
          false, WsFrames.CLOSE_PROTOCOL_ERROR, "invalid close status " + code);
    }
  }

  @Example
  void truncatedFramesAreEndOfStreamErrors() throws IOException {
    byte[] whole = new Frames(true).frame(true, WsFrames.OP_BINARY, new byte[300]).bytes();
    for (int cut : new int[] {1, 3, 7, 100}) {
      WsInput in = input(Arrays.copyOf(whole, cut), true, new RecordingPeer());
      assertThatThrownBy(in::readAllBytes).isInstanceOf(EOFException.class).hasMessageContaining("middle of a");
    }
    // a clean end between frames is the end of the stream
    assertThat(input(whole, true, new RecordingPeer()).readAllBytes()).hasSize(300);
  }

  @Example
  void emptyCloseFrameEndsTheStream() throws IOException {
    RecordingPeer peer = new RecordingPeer();
    WsInput in = input(new Frames(false).frame(true, WsFrames.OP_CLOSE, new byte[0]).bytes(), false, peer);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(peer.closeCode).isEqualTo(-1);
  }

  /**
   * available() counts the current frame's payload that is buffered or already received by the
   * source (so that Noise above can read a whole frame of its own at once), never a byte past the
   * frame's end, where a header may be.
   */
  @Example
  void availableCountsReceivedPayloadUpToTheFrameEnd() throws IOException {
    byte[] first = new byte[3000];
    byte[] second = new byte[500];
    Arrays.fill(first, (byte) 1);
    Arrays.fill(second, (byte) 2);
    byte[] wire = new Frames(true).frame(true, WsFrames.OP_BINARY, first).frame(true, WsFrames.OP_BINARY, second).bytes();
    WsInput in = input(wire, true, new RecordingPeer()); // a 1 KiB buffer: most of the frame is still in the source
    byte[] b = new byte[10];
    assertThat(in.read(b, 0, 10)).isEqualTo(10);
    assertThat(in.available()).isEqualTo(2990);
    assertThat(in.readNBytes(2990)).containsOnly((byte) 1);
    assertThat(in.available()).isZero(); // the next frame's header is not parsed yet
    assertThat(in.read()).isEqualTo(2);
    assertThat(in.available()).isEqualTo(499);

    // the source has only the header (8 bytes: 2, a 16-bit length, the key) and 2,000 payload bytes
    WsInput cut = input(Arrays.copyOf(wire, 8 + 2000), true, new RecordingPeer());
    assertThat(cut.read(b, 0, 10)).isEqualTo(10);
    assertThat(cut.available()).isEqualTo(1990);
  }

  /**
   * A source that has "received" only the bytes released so far: reading past them fails the
   * test instead of blocking, and available() reports exactly them, as a socket's does.
   */
  static final class ReleasingSource extends java.io.InputStream {
    private final byte[] wire;
    private int released;
    private int pos;

    ReleasingSource(byte[] wire) {
      this.wire = wire;
    }

    void release(int n) {
      released = Math.min(wire.length, released + n);
    }

    int released() {
      return released;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == wire.length) {
        return -1;
      }
      if (pos == released) {
        throw new AssertionError("read would block at byte " + pos);
      }
      int n = Math.min(len, released - pos);
      System.arraycopy(wire, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return released - pos;
    }
  }

  /**
   * Whatever frames arrive in whatever pieces, reading exactly what available() reports never
   * needs a byte that has not been received (Noise above relies on it: a read it believes will
   * not block runs with wake-ups held), and yields the payloads in order.
   */
  @Property(tries = 300)
  void availableNeverCountsABytePastWhatArrived(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 2500) Integer> sizes,
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 4) Integer> kinds,
      @ForAll @IntRange(min = 1, max = 3000) int piece,
      @ForAll boolean masked,
      @ForAll boolean pooled,
      @ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    Frames frames = new Frames(masked);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    List<int[]> runs = new ArrayList<>(); // {wire offset, payload offset, length} of each data payload
    for (int i = 0; i < sizes.size(); i++) {
      byte[] p = new byte[sizes.get(i)];
      random.nextBytes(p);
      switch (kinds.get(i % kinds.size())) {
        case 0 -> frames.frame(true, WsFrames.OP_PING, Arrays.copyOf(p, Math.min(p.length, 125)));
        case 1 -> frames.frame(true, WsFrames.OP_PONG, Arrays.copyOf(p, Math.min(p.length, 125)));
        case 2 -> { // a message in two fragments
          int half = p.length / 2;
          frames.frame(false, WsFrames.OP_BINARY, Arrays.copyOfRange(p, 0, half));
          runs.add(new int[] {frames.out.size() - half, payload.size(), half});
          payload.write(p, 0, half);
          frames.frame(true, WsFrames.OP_CONTINUATION, Arrays.copyOfRange(p, half, p.length));
          runs.add(new int[] {frames.out.size() - (p.length - half), payload.size(), p.length - half});
          payload.write(p, half, p.length - half);
        }
        default -> {
          frames.frame(true, WsFrames.OP_BINARY, p);
          runs.add(new int[] {frames.out.size() - p.length, payload.size(), p.length});
          payload.write(p, 0, p.length);
        }
      }
    }
    byte[] wire = frames.bytes();
    byte[] expected = payload.toByteArray();
    ReleasingSource source = new ReleasingSource(wire);
    WsInput in = pooled
        ? new WsInput(source, masked, MAX_PAYLOAD, new BufferPool(1024, 1), new RecordingPeer())
        : new WsInput(source, masked, MAX_PAYLOAD, 1024, new RecordingPeer());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] b = new byte[4096];
    while (got.size() < expected.length) {
      int k = in.available();
      if (k == 0) {
        if (source.released() > wireOffset(runs, got.size())) {
          // the next payload byte and everything before it have arrived: a read of one byte
          // cannot block (it may cross headers and control frames)
          assertThat(in.read(b, 0, 1)).isEqualTo(1);
          got.write(b, 0, 1);
        } else {
          source.release(1 + random.nextInt(piece));
        }
        continue;
      }
      while (k > 0) {
        int n = in.read(b, 0, Math.min(k, b.length));
        assertThat(n).isPositive();
        got.write(b, 0, n);
        k -= n;
      }
      source.release(random.nextInt(piece));
    }
    assertThat(got.toByteArray()).isEqualTo(expected);
  }

  /** The wire offset of payload byte {@code index}, from {wire offset, payload offset, length} runs. */
  private static int wireOffset(List<int[]> runs, int index) {
    for (int[] r : runs) {
      if (index < r[1] + r[2]) {
        return r[0] + index - r[1];
      }
    }
    throw new IllegalArgumentException("payload byte " + index + " is past the end");
  }

  /**
   * With nothing buffered, a read asking for half the read buffer or more of a frame at least as
   * long goes from the source straight into the caller's array (unmasked there), the frame's last
   * bytes included; the bytes come out whole either way, with a fixed buffer or a pooled one.
   */
  @Property(tries = 50)
  void readsOfHalfTheBufferOrMoreGoStraightIntoTheCallersArray(
      @ForAll boolean masked,
      @ForAll boolean pooled,
      @ForAll @IntRange(min = 32 * 1024, max = 60_000) int readSize,
      @ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] payload = new byte[MAX_PAYLOAD];
    random.nextBytes(payload);
    Frames frames = new Frames(masked);
    frames.frame(true, WsFrames.OP_BINARY, payload).frame(true, WsFrames.OP_BINARY, Arrays.copyOf(payload, 70_000));
    byte[] caller = new byte[readSize];
    boolean[] intoCaller = {false};
    java.io.InputStream source =
        new ByteArrayInputStream(frames.bytes()) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            intoCaller[0] |= b == caller;
            return super.read(b, off, Math.min(len, 1 + random.nextInt(70_000)));
          }
        };
    WsInput in = pooled
        ? new WsInput(source, masked, MAX_PAYLOAD, new BufferPool(64 * 1024, 1), new RecordingPeer())
        : new WsInput(source, masked, MAX_PAYLOAD, 64 * 1024, new RecordingPeer());
    assertThat(in.directRead()).isEqualTo(32 * 1024);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int n;
    while ((n = in.read(caller, 0, caller.length)) >= 0) {
      got.write(caller, 0, n);
      if (got.size() == MAX_PAYLOAD + 70_000) {
        break;
      }
    }
    byte[] expected = new byte[MAX_PAYLOAD + 70_000];
    System.arraycopy(payload, 0, expected, 0, MAX_PAYLOAD);
    System.arraycopy(payload, 0, expected, MAX_PAYLOAD, 70_000);
    assertThat(got.toByteArray()).isEqualTo(expected);
    assertThat(intoCaller[0]).as("a read went straight into the caller's array").isTrue();
  }

  /**
   * The last bytes of a large frame, fewer than half the buffer, go straight into a large read
   * too, rather than pulling the next frame's payload through the buffer.
   */
  @Example
  void theLastBytesOfALargeFrameGoStraightIntoALargeRead() throws IOException {
    Frames frames = new Frames(true);
    byte[] payload = new byte[40_000];
    new SplittableRandom(9).nextBytes(payload);
    frames.frame(true, WsFrames.OP_BINARY, payload).frame(true, WsFrames.OP_BINARY, payload);
    byte[] caller = new byte[32 * 1024];
    List<Integer> straight = new ArrayList<>();
    java.io.InputStream source =
        new ByteArrayInputStream(frames.bytes()) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            if (b == caller) {
              straight.add(len);
            }
            return super.read(b, off, len);
          }
        };
    WsInput in = new WsInput(source, true, MAX_PAYLOAD, new BufferPool(64 * 1024, 1), new RecordingPeer());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < 2 * payload.length) {
      int n = in.read(caller, 0, caller.length);
      got.write(caller, 0, n);
    }
    assertThat(Arrays.copyOfRange(got.toByteArray(), 0, 40_000)).isEqualTo(payload);
    assertThat(Arrays.copyOfRange(got.toByteArray(), 40_000, 80_000)).isEqualTo(payload);
    // each frame: its first bytes come with the header, then 32 KiB straight, then the last bytes straight
    assertThat(straight).hasSize(4).allMatch(len -> len == 32 * 1024 || len < 8 * 1024);
  }

  /** Short frames arriving back to back are read many at a time, whatever the caller asks for. */
  @Example
  void shortFramesBackToBackAreReadManyAtATime() throws IOException {
    Frames frames = new Frames(true);
    byte[] payload = new byte[1000];
    new SplittableRandom(5).nextBytes(payload);
    for (int i = 0; i < 50; i++) {
      frames.frame(true, WsFrames.OP_BINARY, payload);
    }
    int[] reads = {0};
    java.io.InputStream source =
        new ByteArrayInputStream(frames.bytes()) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            reads[0]++;
            return super.read(b, off, len);
          }
        };
    WsInput in = new WsInput(source, true, MAX_PAYLOAD, new BufferPool(64 * 1024, 1), new RecordingPeer());
    byte[] b = new byte[64 * 1024];
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < 50 * payload.length) {
      int n = in.read(b, 0, b.length);
      got.write(b, 0, n);
    }
    for (int i = 0; i < 50; i++) {
      assertThat(Arrays.copyOfRange(got.toByteArray(), i * 1000, (i + 1) * 1000)).isEqualTo(payload);
    }
    assertThat(reads[0]).as("reads from the source").isLessThanOrEqualTo(3);
  }

  /** Masking while copying, or in place, XORs each byte with key byte (frame position mod 4), as RFC 6455 5.3 says. */
  @Property(tries = 300)
  void maskCopyMatchesTheBytewiseDefinition(
      @ForAll @IntRange(min = 0, max = 3000) int len,
      @ForAll @IntRange(min = 0, max = 17) int srcOff,
      @ForAll @IntRange(min = 0, max = 17) int dstOff,
      @ForAll int key,
      @ForAll @IntRange(min = 0, max = 1 << 20) int position,
      @ForAll boolean inPlace,
      @ForAll long seed) {
    byte[] src = new byte[srcOff + len + 9];
    new SplittableRandom(seed).nextBytes(src);
    byte[] expected = new byte[len];
    for (int i = 0; i < len; i++) {
      int keyByte = (key >>> (24 - 8 * (int) ((position + i) & 3))) & 0xff;
      expected[i] = (byte) (src[srcOff + i] ^ keyByte);
    }
    byte[] original = src.clone();
    if (inPlace) {
      WsFrames.mask(src, srcOff, len, key, position);
      assertThat(Arrays.copyOfRange(src, srcOff, srcOff + len)).isEqualTo(expected);
      assertThat(Arrays.copyOfRange(src, srcOff + len, src.length)).isEqualTo(Arrays.copyOfRange(original, srcOff + len, src.length));
    } else {
      byte[] dst = new byte[dstOff + len + 9];
      WsFrames.maskCopy(src, srcOff, dst, dstOff, len, key, position);
      assertThat(Arrays.copyOfRange(dst, dstOff, dstOff + len)).isEqualTo(expected);
      assertThat(Arrays.copyOfRange(dst, dstOff + len, dst.length)).containsOnly((byte) 0);
      assertThat(src).isEqualTo(original);
    }
  }
}
