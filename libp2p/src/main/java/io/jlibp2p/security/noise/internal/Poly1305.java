package io.jlibp2p.security.noise.internal;

import io.jlibp2p.internal.VectorSupport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Poly1305 one-time authenticator of RFC 8439 section 2.5, for {@link ChaChaPoly}: the
 * accumulator {@code h} and the key {@code r} are held in five limbs of 26 bits, so that every
 * product fits in a long, and two blocks are absorbed per step as h = (h + m1) r^2 + m2 r, whose
 * two sets of products are independent: the processor overlaps them, and the carries run once
 * per two blocks. No branches and no memory access depend on secret data.
 *
 * <p>Where the JDK's incubating Vector API is present ({@link #VECTOR}), runs of at least {@link
 * #VECTOR_MIN} bytes go through {@link Poly1305Vector}, four blocks at a time, and the rest as
 * here; both give the same accumulator.
 *
 * <p>Only what the AEAD construction needs: whole 16-byte blocks (RFC 8439 section 2.8 pads the
 * additional data and the ciphertext with zeros to a multiple of 16) and a final tag. Not
 * thread-safe; one instance is reused for every message of one {@link ChaChaPoly}.
 */
final class Poly1305 {
  static final int BLOCK = 16;

  private static final long M26 = (1L << 26) - 1;
  /** The 2^128 bit every whole block carries, in the top limb (bit 128 - 104). */
  private static final long HIBIT = 1L << 24;

  private static final VarHandle LE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Whether new instances use {@link Poly1305Vector}. The system property {@code
   * jlibp2p.poly1305} chooses: {@code scalar}, {@code vector} or {@code auto} (the default), which
   * takes the vector form on x86-64 with JDK 25 or newer when the module {@code
   * jdk.incubator.vector} is present ({@code --add-modules jdk.incubator.vector}, which {@code
   * ./jlibp2p} passes) and 256-bit vectors are native. {@code vector} where it cannot run is
   * logged and ignored, as is an unknown value.
   */
  static final boolean VECTOR = vectorFromProperty(System.getProperty("jlibp2p.poly1305", "auto"));

  /** The shortest run of bytes {@link #blocks} gives to {@link Poly1305Vector}. */
  static final int VECTOR_MIN = 256;

  /** {@link Poly1305Vector}'s state: null in the scalar form. */
  private final long[] lanes;
  /** Whether the vector form waits for {@link VectorWarmup#ready()}. */
  private final boolean afterWarmup;
  /** Whether {@link #lanes} holds the powers of this message's r. */
  private boolean powersReady;

  /** r, clamped. */
  private long r0;
  private long r1;
  private long r2;
  private long r3;
  private long r4;
  /** r^2 mod p. */
  private long u0;
  private long u1;
  private long u2;
  private long u3;
  private long u4;
  /** The accumulator. */
  private long h0;
  private long h1;
  private long h2;
  private long h3;
  private long h4;
  /** The second half of the key, added at the end. */
  private long pad0;
  private long pad1;

  /**
   * An instance of the process's form ({@link #VECTOR}), which uses the vector form once {@link
   * VectorWarmup} says it runs compiled.
   */
  Poly1305() {
    this(VECTOR, true);
  }

  /** An instance that uses {@link Poly1305Vector} for long runs if {@code vector}, from the start. */
  Poly1305(boolean vector) {
    this(vector, false);
  }

  private Poly1305(boolean vector, boolean afterWarmup) {
    lanes = vector ? new long[Poly1305Vector.STATE_LENGTH] : null;
    this.afterWarmup = afterWarmup;
  }

  static boolean vectorFromProperty(String setting) {
    return VectorSupport.choose("jlibp2p.poly1305", setting, Poly1305::whyNoVector);
  }

  /** Why this JVM cannot use {@link Poly1305Vector}, or null if it can. */
  static String whyNoVector() {
    // a lambda, not a method reference: Poly1305Vector must not be resolved before the module check
    return VectorSupport.whyNot(() -> Poly1305Vector.supported(), "256-bit vectors are not native here");
  }

  /** Starts a message with the 32-byte one-time key {@code key[off, off + 32)}. */
  void init(byte[] key, int off) {
    long t0 = le64(key, off);
    long t1 = le64(key, off + 8);
    // clamped as section 2.5 says: the top four bits of r[3], r[7], r[11], r[15] and the bottom
    // two of r[4], r[8], r[12] cleared
    r0 = t0 & 0x3ffffff;
    r1 = (t0 >>> 26) & 0x3ffff03;
    r2 = ((t0 >>> 52) | (t1 << 12)) & 0x3ffc0ff;
    r3 = (t1 >>> 14) & 0x3f03fff;
    r4 = (t1 >>> 40) & 0x00fffff;
    // r^2: one multiplication of h = r by r
    accumulator(r0, r1, r2, r3, r4);
    multiplyByR();
    u0 = h0;
    u1 = h1;
    u2 = h2;
    u3 = h3;
    u4 = h4;
    h0 = h1 = h2 = h3 = h4 = 0;
    pad0 = le64(key, off + 16);
    pad1 = le64(key, off + 24);
    powersReady = false;
  }

  /**
   * Puts r^4 and the last step's multipliers (r^4, r^3, r^2, r) into {@link #lanes}, computed by
   * multiplying r^2 by r twice in the accumulator, which the caller has saved.
   */
  private void preparePowers() {
    column(3, r0, r1, r2, r3, r4);
    column(2, u0, u1, u2, u3, u4);
    accumulator(u0, u1, u2, u3, u4);
    multiplyByR();
    column(1, h0, h1, h2, h3, h4);
    multiplyByR();
    column(0, h0, h1, h2, h3, h4);
    limbs(Poly1305Vector.R4, 1, h0, h1, h2, h3, h4);
    powersReady = true;
  }

  /** The limbs of r^(4 - j) into lane j of the last step's multipliers. */
  private void column(int j, long l0, long l1, long l2, long l3, long l4) {
    limbs(Poly1305Vector.LAST + j, 4, l0, l1, l2, l3, l4);
  }

  private void accumulator(long a0, long a1, long a2, long a3, long a4) {
    h0 = a0;
    h1 = a1;
    h2 = a2;
    h3 = a3;
    h4 = a4;
  }

  /** Five limbs into {@link #lanes} from {@code at}, {@code stride} apart. */
  private void limbs(int at, int stride, long l0, long l1, long l2, long l3, long l4) {
    long[] s = lanes;
    s[at] = l0;
    s[at + stride] = l1;
    s[at + 2 * stride] = l2;
    s[at + 3 * stride] = l3;
    s[at + 4 * stride] = l4;
  }

  /** Absorbs the whole groups of four blocks of {@code len} bytes; returns the bytes taken. */
  private int vectorBlocks(byte[] m, int off, int len) {
    limbs(Poly1305Vector.H, 1, h0, h1, h2, h3, h4);
    if (!powersReady) {
      preparePowers();
    }
    int groups = len >>> 6;
    long[] s = lanes;
    Poly1305Vector.absorb(s, m, off, groups);
    int h = Poly1305Vector.H;
    accumulator(s[h], s[h + 1], s[h + 2], s[h + 3], s[h + 4]);
    return groups << 6;
  }

  /** Absorbs {@code len} bytes, a multiple of 16, as whole blocks. */
  void blocks(byte[] m, int off, int len) {
    if (lanes != null && len >= VECTOR_MIN && (!afterWarmup || VectorWarmup.ready())) {
      int taken = vectorBlocks(m, off, len);
      off += taken;
      len -= taken;
    }
    int pairs = len & ~(2 * BLOCK - 1);
    if (pairs > 0) {
      pairs(m, off, pairs);
    }
    if (pairs < len) {
      long t0 = le64(m, off + pairs);
      long t1 = le64(m, off + pairs + 8);
      h0 += t0 & M26;
      h1 += (t0 >>> 26) & M26;
      h2 += ((t0 >>> 52) | (t1 << 12)) & M26;
      h3 += (t1 >>> 14) & M26;
      h4 += (t1 >>> 40) | HIBIT;
      multiplyByR();
    }
  }

  /** h = h r mod p (partly reduced). */
  private void multiplyByR() {
    long a0 = h0;
    long a1 = h1;
    long a2 = h2;
    long a3 = h3;
    long a4 = h4;
    long s1 = r1 * 5;
    long s2 = r2 * 5;
    long s3 = r3 * 5;
    long s4 = r4 * 5;
    // a limb past 2^130 comes back multiplied by 5
    long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
    long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
    long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
    long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
    long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;
    d1 += d0 >>> 26;
    d2 += d1 >>> 26;
    d3 += d2 >>> 26;
    d4 += d3 >>> 26;
    a0 = (d0 & M26) + (d4 >>> 26) * 5;
    h1 = (d1 & M26) + (a0 >>> 26);
    h0 = a0 & M26;
    h2 = d2 & M26;
    h3 = d3 & M26;
    h4 = d4 & M26;
  }

  /** Absorbs {@code len} bytes, a multiple of 32, two blocks at a time: h = (h + m1) r^2 + m2 r. */
  private void pairs(byte[] m, int off, int len) {
    long a0 = h0;
    long a1 = h1;
    long a2 = h2;
    long a3 = h3;
    long a4 = h4;
    final long k0 = r0;
    final long k1 = r1;
    final long k2 = r2;
    final long k3 = r3;
    final long k4 = r4;
    final long q1 = k1 * 5;
    final long q2 = k2 * 5;
    final long q3 = k3 * 5;
    final long q4 = k4 * 5;
    final long w0 = u0;
    final long w1 = u1;
    final long w2 = u2;
    final long w3 = u3;
    final long w4 = u4;
    final long x1 = w1 * 5;
    final long x2 = w2 * 5;
    final long x3 = w3 * 5;
    final long x4 = w4 * 5;
    for (int end = off + len; off < end; off += 2 * BLOCK) {
      long t0 = le64(m, off);
      long t1 = le64(m, off + 8);
      a0 += t0 & M26;
      a1 += (t0 >>> 26) & M26;
      a2 += ((t0 >>> 52) | (t1 << 12)) & M26;
      a3 += (t1 >>> 14) & M26;
      a4 += (t1 >>> 40) | HIBIT;
      t0 = le64(m, off + 16);
      t1 = le64(m, off + 24);
      long c0 = t0 & M26;
      long c1 = (t0 >>> 26) & M26;
      long c2 = ((t0 >>> 52) | (t1 << 12)) & M26;
      long c3 = (t1 >>> 14) & M26;
      long c4 = (t1 >>> 40) | HIBIT;

      // every product below 2^56, every sum of ten below 2^60
      long d0 = (a0 * w0 + a1 * x4 + a2 * x3 + a3 * x2 + a4 * x1)
          + (c0 * k0 + c1 * q4 + c2 * q3 + c3 * q2 + c4 * q1);
      long d1 = (a0 * w1 + a1 * w0 + a2 * x4 + a3 * x3 + a4 * x2)
          + (c0 * k1 + c1 * k0 + c2 * q4 + c3 * q3 + c4 * q2);
      long d2 = (a0 * w2 + a1 * w1 + a2 * w0 + a3 * x4 + a4 * x3)
          + (c0 * k2 + c1 * k1 + c2 * k0 + c3 * q4 + c4 * q3);
      long d3 = (a0 * w3 + a1 * w2 + a2 * w1 + a3 * w0 + a4 * x4)
          + (c0 * k3 + c1 * k2 + c2 * k1 + c3 * k0 + c4 * q4);
      long d4 = (a0 * w4 + a1 * w3 + a2 * w2 + a3 * w1 + a4 * w0)
          + (c0 * k4 + c1 * k3 + c2 * k2 + c3 * k1 + c4 * k0);

      d1 += d0 >>> 26;
      d2 += d1 >>> 26;
      d3 += d2 >>> 26;
      d4 += d3 >>> 26;
      a0 = (d0 & M26) + (d4 >>> 26) * 5;
      a1 = (d1 & M26) + (a0 >>> 26);
      a0 &= M26;
      a2 = d2 & M26;
      a3 = d3 & M26;
      a4 = d4 & M26;
    }
    h0 = a0;
    h1 = a1;
    h2 = a2;
    h3 = a3;
    h4 = a4;
  }

  /** Ends the message: writes the 16-byte tag at {@code out[off]}. */
  void finish(byte[] out, int off) {
    long a0 = h0;
    long a1 = h1;
    long a2 = h2;
    long a3 = h3;
    long a4 = h4;
    // full carry. Every limb comes in below 2^26 but a1 (below 2^26 + 2^12). a0 can carry only
    // when a carry went all the way round from a1, which then kept less than 2^12: every limb
    // leaves below 2^26, so the limbs below join without overlapping
    long c = a1 >>> 26;
    a1 &= M26;
    a2 += c;
    c = a2 >>> 26;
    a2 &= M26;
    a3 += c;
    c = a3 >>> 26;
    a3 &= M26;
    a4 += c;
    c = a4 >>> 26;
    a4 &= M26;
    a0 += c * 5;
    c = a0 >>> 26;
    a0 &= M26;
    a1 += c;

    // g = h + 5 - 2^130; take g if it is not negative (h >= p), else h, without a branch
    long g0 = a0 + 5;
    c = g0 >>> 26;
    g0 &= M26;
    long g1 = a1 + c;
    c = g1 >>> 26;
    g1 &= M26;
    long g2 = a2 + c;
    c = g2 >>> 26;
    g2 &= M26;
    long g3 = a3 + c;
    c = g3 >>> 26;
    g3 &= M26;
    long g4 = a4 + c - (1L << 26);
    long useG = (g4 >>> 63) - 1; // all ones when g4 >= 0
    a0 = (a0 & ~useG) | (g0 & useG);
    a1 = (a1 & ~useG) | (g1 & useG);
    a2 = (a2 & ~useG) | (g2 & useG);
    a3 = (a3 & ~useG) | (g3 & useG);
    a4 = (a4 & ~useG) | (g4 & useG);

    // tag = (h + pad) mod 2^128
    long lo = a0 | (a1 << 26) | (a2 << 52);
    long hi = (a2 >>> 12) | (a3 << 14) | (a4 << 40);
    long sum = lo + pad0;
    long carry = ((lo & pad0) | ((lo | pad0) & ~sum)) >>> 63;
    putLe64(out, off, sum);
    putLe64(out, off + 8, hi + pad1 + carry);
    h0 = h1 = h2 = h3 = h4 = 0;
  }

  static long le64(byte[] b, int off) {
    return (long) LE64.get(b, off);
  }

  static void putLe64(byte[] b, int off, long v) {
    LE64.set(b, off, v);
  }
}
