package io.jlibp2p.security.noise.internal;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Four Poly1305 blocks at a time in the four 64-bit lanes of a 256-bit vector (the JDK's
 * incubating Vector API), for {@link Poly1305}: lane j absorbs blocks j, j + 4, j + 8, ..., each
 * step multiplying by r^4, and the last step multiplies lane j by r^(4 - j), so that the lanes'
 * sum is the accumulator the blocks give one at a time. The limbs are those of {@link Poly1305}
 * (five of 26 bits).
 *
 * <p>Every operand of a multiplication is masked to its low 32 bits, which changes no value (all
 * are below 2^32) and lets the JIT multiply with one 32x32-bit instruction per lane on x86-64
 * instead of emulating a 64-bit product, which AVX2 lacks.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present ({@link
 * Poly1305#VECTOR}); not referenced otherwise.
 */
final class Poly1305Vector {
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_256;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_256;
  /** Of two vectors holding blocks (lo, hi) 0..3: the four low halves, and the four high halves. */
  private static final VectorShuffle<Long> LOW = VectorShuffle.fromValues(LONGS, 0, 2, 4, 6);
  private static final VectorShuffle<Long> HIGH = VectorShuffle.fromValues(LONGS, 1, 3, 5, 7);
  private static final long M26 = (1L << 26) - 1;
  private static final long M32 = 0xffffffffL;
  private static final long HIBIT = 1L << 24;

  /** Layout of the state array: the accumulator, then r^4, then the last step's multipliers. */
  static final int H = 0;
  static final int R4 = 5;
  /** Limb i of r^(4 - j) at {@code LAST + 4 i + j}: one vector per limb. */
  static final int LAST = 10;
  static final int STATE_LENGTH = LAST + 20;

  private Poly1305Vector() {}

  /** Whether this JVM runs 256-bit vectors of longs natively (not emulated). */
  static boolean supported() {
    return LongVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  /**
   * Absorbs {@code groups} (at least 1) of four blocks from {@code m[off ..]} into the accumulator
   * {@code s[H, H + 5)}, which must come in with limbs below 2^26 + 2^12 and leaves in the same
   * form.
   */
  static void absorb(long[] s, byte[] m, int off, int groups) {
    LongVector r0 = LongVector.broadcast(LONGS, s[R4]).and(M32);
    LongVector r1 = LongVector.broadcast(LONGS, s[R4 + 1]).and(M32);
    LongVector r2 = LongVector.broadcast(LONGS, s[R4 + 2]).and(M32);
    LongVector r3 = LongVector.broadcast(LONGS, s[R4 + 3]).and(M32);
    LongVector r4 = LongVector.broadcast(LONGS, s[R4 + 4]).and(M32);
    // a limb past 2^130 comes back multiplied by 5
    LongVector s1 = LongVector.broadcast(LONGS, s[R4 + 1] * 5).and(M32);
    LongVector s2 = LongVector.broadcast(LONGS, s[R4 + 2] * 5).and(M32);
    LongVector s3 = LongVector.broadcast(LONGS, s[R4 + 3] * 5).and(M32);
    LongVector s4 = LongVector.broadcast(LONGS, s[R4 + 4] * 5).and(M32);
    LongVector zero = LongVector.zero(LONGS);
    LongVector h0 = zero.withLane(0, s[H]);
    LongVector h1 = zero.withLane(0, s[H + 1]);
    LongVector h2 = zero.withLane(0, s[H + 2]);
    LongVector h3 = zero.withLane(0, s[H + 3]);
    LongVector h4 = zero.withLane(0, s[H + 4]);
    // a counted loop, so that the JIT hoists the constants and drops the bounds checks
    for (int end = off + 64 * (groups - 1); off < end; off += 64) {
      LongVector a = ByteVector.fromArray(BYTES, m, off).reinterpretAsLongs();
      LongVector b = ByteVector.fromArray(BYTES, m, off + 32).reinterpretAsLongs();
      LongVector lo = a.rearrange(LOW, b);
      LongVector hi = a.rearrange(HIGH, b);
      h0 = h0.add(lo.and(M26)).and(M32);
      h1 = h1.add(lo.lanewise(LSHR, 26).and(M26)).and(M32);
      h2 = h2.add(lo.lanewise(LSHR, 52).or(hi.lanewise(LSHL, 12)).and(M26)).and(M32);
      h3 = h3.add(hi.lanewise(LSHR, 14).and(M26)).and(M32);
      h4 = h4.add(hi.lanewise(LSHR, 40).or(HIBIT)).and(M32);
      // limbs below 2^27.01 times r below 2^26 or 5r below 2^28.4: sums of five below 2^58
      LongVector d0 = h0.mul(r0).add(h1.mul(s4)).add(h2.mul(s3)).add(h3.mul(s2)).add(h4.mul(s1));
      LongVector d1 = h0.mul(r1).add(h1.mul(r0)).add(h2.mul(s4)).add(h3.mul(s3)).add(h4.mul(s2));
      LongVector d2 = h0.mul(r2).add(h1.mul(r1)).add(h2.mul(r0)).add(h3.mul(s4)).add(h4.mul(s3));
      LongVector d3 = h0.mul(r3).add(h1.mul(r2)).add(h2.mul(r1)).add(h3.mul(r0)).add(h4.mul(s4));
      LongVector d4 = h0.mul(r4).add(h1.mul(r3)).add(h2.mul(r2)).add(h3.mul(r1)).add(h4.mul(r0));
      d1 = d1.add(d0.lanewise(LSHR, 26));
      d2 = d2.add(d1.lanewise(LSHR, 26));
      d3 = d3.add(d2.lanewise(LSHR, 26));
      d4 = d4.add(d3.lanewise(LSHR, 26));
      LongVector c = d4.lanewise(LSHR, 26);
      LongVector t0 = d0.and(M26).add(c).add(c.lanewise(LSHL, 2));
      h1 = d1.and(M26).add(t0.lanewise(LSHR, 26));
      h0 = t0.and(M26);
      h2 = d2.and(M26);
      h3 = d3.and(M26);
      h4 = d4.and(M26);
    }
    // the last group's blocks: the loop's first half again, written out (a helper cannot return
    // five vectors without an array the JIT may not scalarize)
    LongVector a = ByteVector.fromArray(BYTES, m, off).reinterpretAsLongs();
    LongVector b = ByteVector.fromArray(BYTES, m, off + 32).reinterpretAsLongs();
    LongVector lo = a.rearrange(LOW, b);
    LongVector hi = a.rearrange(HIGH, b);
    h0 = h0.add(lo.and(M26)).and(M32);
    h1 = h1.add(lo.lanewise(LSHR, 26).and(M26)).and(M32);
    h2 = h2.add(lo.lanewise(LSHR, 52).or(hi.lanewise(LSHL, 12)).and(M26)).and(M32);
    h3 = h3.add(hi.lanewise(LSHR, 14).and(M26)).and(M32);
    h4 = h4.add(hi.lanewise(LSHR, 40).or(HIBIT)).and(M32);
    // the last step: lane j times r^(4 - j)
    LongVector f0 = LongVector.fromArray(LONGS, s, LAST).and(M32);
    LongVector f1 = LongVector.fromArray(LONGS, s, LAST + 4).and(M32);
    LongVector f2 = LongVector.fromArray(LONGS, s, LAST + 8).and(M32);
    LongVector f3 = LongVector.fromArray(LONGS, s, LAST + 12).and(M32);
    LongVector f4 = LongVector.fromArray(LONGS, s, LAST + 16).and(M32);
    LongVector g1 = f1.add(f1.lanewise(LSHL, 2));
    LongVector g2 = f2.add(f2.lanewise(LSHL, 2));
    LongVector g3 = f3.add(f3.lanewise(LSHL, 2));
    LongVector g4 = f4.add(f4.lanewise(LSHL, 2));
    LongVector d0 = h0.mul(f0).add(h1.mul(g4)).add(h2.mul(g3)).add(h3.mul(g2)).add(h4.mul(g1));
    LongVector d1 = h0.mul(f1).add(h1.mul(f0)).add(h2.mul(g4)).add(h3.mul(g3)).add(h4.mul(g2));
    LongVector d2 = h0.mul(f2).add(h1.mul(f1)).add(h2.mul(f0)).add(h3.mul(g4)).add(h4.mul(g3));
    LongVector d3 = h0.mul(f3).add(h1.mul(f2)).add(h2.mul(f1)).add(h3.mul(f0)).add(h4.mul(g4));
    LongVector d4 = h0.mul(f4).add(h1.mul(f3)).add(h2.mul(f2)).add(h3.mul(f1)).add(h4.mul(f0));
    // the four lanes' sums, each below 2^60, carried as in Poly1305
    long e0 = d0.reduceLanes(ADD);
    long e1 = d1.reduceLanes(ADD) + (e0 >>> 26);
    long e2 = d2.reduceLanes(ADD) + (e1 >>> 26);
    long e3 = d3.reduceLanes(ADD) + (e2 >>> 26);
    long e4 = d4.reduceLanes(ADD) + (e3 >>> 26);
    long t0 = (e0 & M26) + (e4 >>> 26) * 5;
    s[H] = t0 & M26;
    s[H + 1] = (e1 & M26) + (t0 >>> 26);
    s[H + 2] = e2 & M26;
    s[H + 3] = e3 & M26;
    s[H + 4] = e4 & M26;
  }
}
