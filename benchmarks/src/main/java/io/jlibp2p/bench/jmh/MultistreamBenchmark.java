package io.jlibp2p.bench.jmh;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.negotiation.MultistreamSelect;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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

/**
 * One multistream-select negotiation per operation, each side on its own against the other side's
 * recorded bytes: the dialer proposing {@code /yamux/1.0.0} (accepted), and the listener answering
 * a proposal of {@code /perf/1.0.0} among ten supported protocols.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultistreamBenchmark {
  private static final ProtocolId YAMUX = ProtocolId.of("/yamux/1.0.0");
  private static final ProtocolId PERF = ProtocolId.of("/perf/1.0.0");

  private final OutputStream sink = OutputStream.nullOutputStream();
  private byte[] listenerReply;
  private byte[] dialerProposal;
  private Set<ProtocolId> supported;

  @Setup
  public void record() throws IOException {
    // what a listener answers to a yamux proposal, and what a dialer sends to propose /perf/1.0.0
    listenerReply = concat(message(MultistreamSelect.HEADER), message(YAMUX.value()));
    dialerProposal = concat(message(MultistreamSelect.HEADER), message(PERF.value()));
    supported = Set.of(
        ProtocolId.of("/ipfs/id/1.0.0"), ProtocolId.of("/ipfs/id/push/1.0.0"), ProtocolId.of("/ipfs/ping/1.0.0"),
        ProtocolId.of("/echo/1.0.0"), ProtocolId.of("/ipfs/kad/1.0.0"), ProtocolId.of("/meshsub/1.1.0"),
        ProtocolId.of("/meshsub/1.2.0"), ProtocolId.of("/libp2p/circuit/relay/0.2.0/stop"),
        ProtocolId.of("/libp2p/dcutr"), PERF);
  }

  /** One multistream-select message: a varint length, the text, a newline. */
  private static byte[] message(String text) {
    byte[] t = (text + "\n").getBytes(StandardCharsets.UTF_8);
    return concat(Varint.encode(t.length), t);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Benchmark
  public ProtocolId dialerSelect() throws IOException {
    return MultistreamSelect.select(new ByteArrayInputStream(listenerReply), sink, List.of(YAMUX));
  }

  @Benchmark
  public ProtocolId listenerRespond() throws IOException {
    return MultistreamSelect.respond(new ByteArrayInputStream(dialerProposal), sink, supported);
  }
}
