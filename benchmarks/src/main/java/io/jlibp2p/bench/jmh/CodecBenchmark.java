package io.jlibp2p.bench.jmh;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Varint;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Unsigned varints and multiaddrs: text and binary, both ways. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private static final String ADDR =
      "/ip4/192.168.10.20/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
  private static final String ADDR6 = "/ip6/2001:db8::1/udp/4001/quic-v1";

  private final byte[] buf = new byte[Varint.MAX_BYTES];
  private byte[] small;
  private byte[] large;
  private byte[] addrBytes;
  private Multiaddr addr;

  @Setup
  public void encode() {
    small = Varint.encode(300);
    large = Varint.encode(Long.MAX_VALUE);
    addr = Multiaddr.parse(ADDR);
    addrBytes = addr.toBytes();
  }

  @Benchmark
  public int varintWriteSmall() {
    return Varint.write(300, buf, 0);
  }

  @Benchmark
  public int varintWriteLarge() {
    return Varint.write(Long.MAX_VALUE, buf, 0);
  }

  @Benchmark
  public long varintDecodeSmall() {
    return Varint.decode(small, 0, small.length).value();
  }

  @Benchmark
  public long varintDecodeLarge() {
    return Varint.decode(large, 0, large.length).value();
  }

  @Benchmark
  public Multiaddr multiaddrParse() {
    return Multiaddr.parse(ADDR);
  }

  @Benchmark
  public Multiaddr multiaddrParseIp6() {
    return Multiaddr.parse(ADDR6);
  }

  @Benchmark
  public String multiaddrToString() {
    return addr.toString();
  }

  @Benchmark
  public Multiaddr multiaddrDecode() {
    return Multiaddr.decode(addrBytes);
  }

}
