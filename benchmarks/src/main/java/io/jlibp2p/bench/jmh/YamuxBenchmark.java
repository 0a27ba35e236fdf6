package io.jlibp2p.bench.jmh;

import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.StreamMuxer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The muxer frame path through the public SPI: one stream of a yamux (or mplex) connection over a
 * {@link MemoryPipe}; each operation writes {@code size} bytes (encoded into data frames), and
 * reads them back on the other end (decoded by that connection's reader thread, window updates
 * returned). {@code size} 32 shows the per-frame cost, 65536 the per-byte cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class YamuxBenchmark {
  @Param({"yamux"})
  String muxer;

  @Param({"32", "65536"})
  int size;

  private MuxedConnection a;
  private MuxedConnection b;
  private MuxedStream out;
  private MuxedStream in;
  private byte[] data;
  private byte[] received;

  @Setup(Level.Trial)
  public void open() throws IOException {
    StreamMuxer m = muxer.equals("yamux") ? new YamuxMuxer() : new MplexMuxer();
    MemoryPipe pipe = new MemoryPipe();
    a = m.create(pipe.a(), true);
    b = m.create(pipe.b(), false);
    out = a.openStream();
    out.out().flush();
    in = b.acceptStream();
    data = new byte[size];
    received = new byte[size];
  }

  @TearDown(Level.Trial)
  public void close() {
    a.close();
    b.close();
  }

  @Benchmark
  public byte[] writeRead() throws IOException {
    OutputStream o = out.out();
    o.write(data);
    o.flush();
    InputStream i = in.in();
    int n = 0;
    while (n < received.length) {
      int r = i.read(received, n, received.length - n);
      if (r < 0) {
        throw new IOException("stream ended");
      }
      n += r;
    }
    return received;
  }
}
