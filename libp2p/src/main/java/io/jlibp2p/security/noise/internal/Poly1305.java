package io.jlibp2p.security.noise.internal;

/**
 * The Poly1305 one-time authenticator of RFC 8439 section 2.5, for {@link ChaChaPoly}: the
 * accumulator {@code h} and the key {@code r} are held in three limbs of 44, 44 and 42 bits, so
 * that each of the nine products per 16-byte block fits in 94 bits, and each is split at bit 44
 * into two longs: no 128-bit additions, no branches, no secret-dependent memory access.
 *
 * <p>Only what the AEAD construction needs: whole 16-byte blocks (RFC 8439 section 2.8 pads the
 * additional data and the ciphertext with zeros to a multiple of 16) and a final tag. Not
 * thread-safe; one instance is reused for every message of one {@link ChaChaPoly}.
 */
final class Poly1305 {
  static final int BLOCK = 16;
  static final int KEY_LENGTH = 32;
  static final int TAG_LENGTH = 16;

  private static final long M44 = (1L << 44) - 1;
  private static final long M42 = (1L << 42) - 1;
  /** The 2^128 bit every whole block carries, in the top limb (bit 128 - 88). */
  private static final long HIBIT = 1L << 40;

  private long r0;
  private long r1;
  private long r2;
  /** 20 * r1 and 20 * r2: a product past 2^130 comes back multiplied by 5, shifted by 2 bits. */
  private long s1;
  private long s2;
  private long h0;
  private long h1;
  private long h2;
  /** The second half of the key, added at the end. */
  private long pad0;
  private long pad1;

  /** Starts a message with the 32-byte one-time key {@code key[off, off + 32)}. */
  void init(byte[] key, int off) {
    long t0 = le64(key, off);
    long t1 = le64(key, off + 8);
    // clamped as section 2.5 says: the top four bits of r[3], r[7], r[11], r[15] and the bottom
    // two of r[4], r[8], r[12] cleared
    r0 = t0 & 0xffc0fffffffL;
    r1 = ((t0 >>> 44) | (t1 << 20)) & 0xfffffc0ffffL;
    r2 = (t1 >>> 24) & 0x00ffffffc0fL;
    s1 = r1 * 20;
    s2 = r2 * 20;
    h0 = 0;
    h1 = 0;
    h2 = 0;
    pad0 = le64(key, off + 16);
    pad1 = le64(key, off + 24);
  }

  /** Absorbs {@code len} bytes, a multiple of 16, as whole blocks. */
  void blocks(byte[] m, int off, int len) {
    long a0 = h0;
    long a1 = h1;
    long a2 = h2;
    final long k0 = r0;
    final long k1 = r1;
    final long k2 = r2;
    final long q1 = s1;
    final long q2 = s2;
    for (int end = off + len; off < end; off += BLOCK) {
      long t0 = le64(m, off);
      long t1 = le64(m, off + 8);
      a0 += t0 & M44;
      a1 += ((t0 >>> 44) | (t1 << 20)) & M44;
      a2 += (t1 >>> 24) | HIBIT;

      // d0 = a0 r0 + a1 20 r2 + a2 20 r1, each product split into its low 44 bits and the rest
      long p;
      long lo0 = (p = a0 * k0) & M44;
      long hi0 = (p >>> 44) | (Math.multiplyHigh(a0, k0) << 20);
      lo0 += (p = a1 * q2) & M44;
      hi0 += (p >>> 44) | (Math.multiplyHigh(a1, q2) << 20);
      lo0 += (p = a2 * q1) & M44;
      hi0 += (p >>> 44) | (Math.multiplyHigh(a2, q1) << 20);

      // d1 = a0 r1 + a1 r0 + a2 20 r2
      long lo1 = (p = a0 * k1) & M44;
      long hi1 = (p >>> 44) | (Math.multiplyHigh(a0, k1) << 20);
      lo1 += (p = a1 * k0) & M44;
      hi1 += (p >>> 44) | (Math.multiplyHigh(a1, k0) << 20);
      lo1 += (p = a2 * q2) & M44;
      hi1 += (p >>> 44) | (Math.multiplyHigh(a2, q2) << 20);

      // d2 = a0 r2 + a1 r1 + a2 r0
      long lo2 = (p = a0 * k2) & M44;
      long hi2 = (p >>> 44) | (Math.multiplyHigh(a0, k2) << 20);
      lo2 += (p = a1 * k1) & M44;
      hi2 += (p >>> 44) | (Math.multiplyHigh(a1, k1) << 20);
      lo2 += (p = a2 * k0) & M44;
      hi2 += (p >>> 44) | (Math.multiplyHigh(a2, k0) << 20);

      // carry: 44, 44, 42 bits; what passes 2^130 comes back times 5
      a0 = lo0 & M44;
      lo1 += (lo0 >>> 44) + hi0;
      a1 = lo1 & M44;
      lo2 += (lo1 >>> 44) + hi1;
      a2 = lo2 & M42;
      a0 += ((lo2 >>> 42) + (hi2 << 2)) * 5;
      a1 += a0 >>> 44;
      a0 &= M44;
    }
    h0 = a0;
    h1 = a1;
    h2 = a2;
  }

  /** Ends the message: writes the 16-byte tag at {@code out[off]}. */
  void finish(byte[] out, int off) {
    long a0 = h0;
    long a1 = h1;
    long a2 = h2;
    // full carry, twice round: a fully reduced value below 2^130
    long c = a1 >>> 44;
    a1 &= M44;
    a2 += c;
    c = a2 >>> 42;
    a2 &= M42;
    a0 += c * 5;
    c = a0 >>> 44;
    a0 &= M44;
    a1 += c;
    c = a1 >>> 44;
    a1 &= M44;
    a2 += c;
    c = a2 >>> 42;
    a2 &= M42;
    a0 += c * 5;
    c = a0 >>> 44;
    a0 &= M44;
    a1 += c;

    // g = h + 5 - 2^130; take g if it is not negative (h >= p), else h, without a branch
    long g0 = a0 + 5;
    c = g0 >>> 44;
    g0 &= M44;
    long g1 = a1 + c;
    c = g1 >>> 44;
    g1 &= M44;
    long g2 = a2 + c - (1L << 42);
    long useG = (g2 >>> 63) - 1; // all ones when g2 >= 0
    a0 = (a0 & ~useG) | (g0 & useG);
    a1 = (a1 & ~useG) | (g1 & useG);
    a2 = (a2 & ~useG) | (g2 & useG);

    // tag = (h + pad) mod 2^128
    long t0 = pad0;
    long t1 = pad1;
    a0 += t0 & M44;
    c = a0 >>> 44;
    a0 &= M44;
    a1 += (((t0 >>> 44) | (t1 << 20)) & M44) + c;
    c = a1 >>> 44;
    a1 &= M44;
    a2 += ((t1 >>> 24) & M42) + c;
    a2 &= M42;
    putLe64(out, off, a0 | (a1 << 44));
    putLe64(out, off + 8, (a1 >>> 20) | (a2 << 24));
    h0 = 0;
    h1 = 0;
    h2 = 0;
  }

  /** Forgets the key (and the accumulator). */
  void clear() {
    r0 = r1 = r2 = s1 = s2 = h0 = h1 = h2 = pad0 = pad1 = 0;
  }

  static long le64(byte[] b, int off) {
    return (long) LE64.get(b, off);
  }

  static void putLe64(byte[] b, int off, long v) {
    LE64.set(b, off, v);
  }

  private static final java.lang.invoke.VarHandle LE64 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
