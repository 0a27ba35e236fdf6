package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.internal.KernelWarmup;
import io.jlibp2p.internal.VectorSupport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * RFC 6455 section 5 framing: opcodes, close codes, frame headers and masking.
 *
 * <p>A header is {@code FIN RSV1-3 opcode(4)}, {@code MASK len(7)}, then a 16- or 64-bit extended
 * length for payloads of 126 bytes or more, then the 4-byte masking key if {@code MASK} is set.
 * Clients mask every frame they send, servers never do. Stateless and thread-safe.
 */
public final class WsFrames {
  /** The longest frame header: 2 bytes, an 8-byte length, a 4-byte masking key. */
  public static final int MAX_HEADER_LENGTH = 14;

  /** The longest payload of a control frame (RFC 6455 section 5.5). */
  public static final int MAX_CONTROL_PAYLOAD = 125;

  public static final int OP_CONTINUATION = 0x0;
  public static final int OP_TEXT = 0x1;
  public static final int OP_BINARY = 0x2;
  public static final int OP_CLOSE = 0x8;
  public static final int OP_PING = 0x9;
  public static final int OP_PONG = 0xA;

  /** Close status: normal closure. */
  public static final int CLOSE_NORMAL = 1000;
  /** Close status: the endpoint is going away. */
  public static final int CLOSE_GOING_AWAY = 1001;
  /** Close status: protocol error. */
  public static final int CLOSE_PROTOCOL_ERROR = 1002;
  /** Close status: a data type we do not accept (text frames). */
  public static final int CLOSE_UNSUPPORTED_DATA = 1003;
  /** Close status: a frame larger than we accept. */
  public static final int CLOSE_TOO_BIG = 1009;

  private WsFrames() {}

  /** Whether {@code opcode} is a control frame's (close, ping, pong, or a reserved 0xB-0xF). */
  public static boolean isControl(int opcode) {
    return (opcode & 0x8) != 0;
  }

  /** The header length of a frame with {@code payloadLength} bytes of payload. */
  public static int headerLength(long payloadLength, boolean masked) {
    int n = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    return masked ? n + 4 : n;
  }

  /**
   * Writes a frame header at {@code dst[off ..]}; returns its length. {@code maskKey} is written
   * (big-endian, as the key's bytes in wire order) only when {@code masked}.
   */
  public static int writeHeader(
      byte[] dst, int off, boolean fin, int opcode, long payloadLength, boolean masked, int maskKey) {
    if (payloadLength < 0) {
      throw new IllegalArgumentException("payloadLength: " + payloadLength + " (expected: >= 0)");
    }
    int p = off;
    dst[p++] = (byte) ((fin ? 0x80 : 0) | (opcode & 0x0F));
    int maskBit = masked ? 0x80 : 0;
    if (payloadLength < 126) {
      dst[p++] = (byte) (maskBit | (int) payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      dst[p++] = (byte) (maskBit | 126);
      dst[p++] = (byte) (payloadLength >>> 8);
      dst[p++] = (byte) payloadLength;
    } else {
      dst[p++] = (byte) (maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        dst[p++] = (byte) (payloadLength >>> shift);
      }
    }
    if (masked) {
      dst[p++] = (byte) (maskKey >>> 24);
      dst[p++] = (byte) (maskKey >>> 16);
      dst[p++] = (byte) (maskKey >>> 8);
      dst[p++] = (byte) maskKey;
    }
    return p - off;
  }

  /**
   * XORs {@code b[off, off + len)} with the masking key, where {@code b[off]} is the payload byte
   * at {@code position} of its frame (so key byte {@code position % 4} applies to it). Masking and
   * unmasking are the same operation. Works a vector at a time where {@link #VECTOR_MASK} says,
   * else eight bytes at a time.
   *
   * @param maskKey the key's four bytes in wire order, big-endian
   */
  public static void mask(byte[] b, int off, int len, int maskKey, long position) {
    maskCopy(b, off, b, off, len, maskKey, position);
  }

  /**
   * Copies {@code src[srcOff, srcOff + len)} to {@code dst[dstOff ..]} masked, in one pass; {@code
   * position} is the frame position of the first byte, as in {@link #mask}. The ranges may be the
   * same but must not otherwise overlap.
   */
  public static void maskCopy(byte[] src, int srcOff, byte[] dst, int dstOff, int len, int maskKey, long position) {
    maskCopy(src, srcOff, dst, dstOff, len, maskKey, position,
        VECTOR_MASK && len >= VECTOR_MASK_MIN && VECTOR_WARMUP.ready());
  }

  /** {@link #maskCopy}, with the vector kernel ({@link WsMaskVector}) if {@code vector}. */
  static void maskCopy(byte[] src, int srcOff, byte[] dst, int dstOff, int len, int maskKey, long position, boolean vector) {
    // key byte j (wire order) must hit payload byte at frame position p with p % 4 == j
    int shift = (int) (position & 3);
    int k = Integer.rotateLeft(maskKey, 8 * shift); // now the key starting with byte `shift`
    // the key as a little-endian int: its lowest byte is the first key byte
    int le = Integer.reverseBytes(k);
    int i = vector ? WsMaskVector.maskCopy(src, srcOff, dst, dstOff, len, le) : 0;
    // absolute long accesses of heap byte buffers: the JIT compiles this loop to vector
    // instructions, about twice as fast as byte-array view var handles
    long m = (le & 0xFFFFFFFFL) | ((long) le << 32);
    ByteBuffer from = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer to = ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN);
    int longs = i + ((len - i) & ~7);
    for (; i < longs; i += 8) {
      to.putLong(dstOff + i, from.getLong(srcOff + i) ^ m);
    }
    for (; i < len; i++) {
      dst[dstOff + i] = (byte) (src[srcOff + i] ^ (k >>> (24 - 8 * (i & 3))));
    }
  }

  /**
   * Whether masking uses {@link WsMaskVector} for runs of at least {@link #VECTOR_MASK_MIN} bytes,
   * once {@link #VECTOR_WARMUP} says it runs compiled. The system property {@code jlibp2p.ws.mask}
   * chooses: {@code scalar}, {@code vector} or {@code auto} (the default), which takes the vector
   * form where Noise's vector forms may run (see {@link VectorSupport#choose}): x86-64, JDK 25 or
   * newer, the module {@code jdk.incubator.vector} present.
   */
  static final boolean VECTOR_MASK = vectorMask(System.getProperty("jlibp2p.ws.mask", "auto"));

  /** The shortest run masked with {@link WsMaskVector}. */
  static final int VECTOR_MASK_MIN = 256;

  /** Runs {@link WsMaskVector} until it is compiled; the vector form waits for it. */
  static final KernelWarmup VECTOR_WARMUP =
      new KernelWarmup("jlibp2p-ws-mask-warmup", 16 * 1024, 4096, List.of(b -> maskCopy(b, 0, b, 0, b.length, 0x01020304, 0, true)));

  static boolean vectorMask(String setting) {
    return VectorSupport.choose("jlibp2p.ws.mask", setting,
        () -> VectorSupport.whyNot(() -> WsMaskVector.step() >= 16, "vectors of 128 bits or more are not native here"));
  }
}
