package io.jlibp2p.bench.jmh;

import io.jlibp2p.transport.websocket.internal.WsInput;
import io.jlibp2p.transport.websocket.internal.WsOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * RFC 6455 binary frames, client side (encode with masking) and server side (decode and unmask):
 * jlibp2p's own framing ({@code WsOutput}, {@code WsInput}) against Netty's codec
 * ({@code WebSocket08FrameEncoder}, {@code WebSocket08FrameDecoder}), on the same payloads.
 * Each operation moves {@link #FRAMES} frames of {@code size} bytes.
 * Run: {@code benchmarks/run jmh WebSocketFraming}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WebSocketFramingBenchmark {
  static final int FRAMES = 16;

  @Param({"1024", "65536"})
  int size;

  private byte[] payload;
  private byte[] maskedFrames; // FRAMES masked frames, as a client sends them
  private byte[] readBuffer;
  private final SplittableRandom random = new SplittableRandom(1);
  private EmbeddedChannel nettyEncoder;
  private EmbeddedChannel nettyDecoder;

  /** Counts what it is given and keeps nothing. */
  static final class Sink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }

  private static final WsInput.Peer NO_PEER =
      new WsInput.Peer() {
        @Override
        public void onPing(byte[] p, int len) {}

        @Override
        public void onClose(int code) {}

        @Override
        public void onViolation(int closeCode, String message) {
          throw new IllegalStateException(message);
        }
      };

  @Setup
  public void setup() throws IOException {
    payload = new byte[size];
    new SplittableRandom(7).nextBytes(payload);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WsOutput ws = new WsOutput(out, true, new SplittableRandom(3), size);
    for (int i = 0; i < FRAMES; i++) {
      ws.write(payload, 0, size);
      ws.flush();
    }
    maskedFrames = out.toByteArray();
    readBuffer = new byte[64 * 1024];
    nettyEncoder = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
    nettyDecoder = new EmbeddedChannel(new WebSocket08FrameDecoder(true, false, 1 << 24));
  }

  @Benchmark
  public long jlibp2pEncode() throws IOException {
    Sink sink = new Sink();
    WsOutput ws = new WsOutput(sink, true, random, size);
    for (int i = 0; i < FRAMES; i++) {
      ws.write(payload, 0, size);
      ws.flush();
    }
    return sink.bytes;
  }

  @Benchmark
  public long nettyEncode() {
    long bytes = 0;
    for (int i = 0; i < FRAMES; i++) {
      nettyEncoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
      for (ByteBuf b; (b = nettyEncoder.readOutbound()) != null; ) {
        bytes += b.readableBytes();
        b.release();
      }
    }
    return bytes;
  }

  @Benchmark
  public long jlibp2pDecode() throws IOException {
    WsInput in = new WsInput(new ByteArrayInputStream(maskedFrames), true, 1 << 24, 64 * 1024, NO_PEER);
    long bytes = 0;
    for (int n; (n = in.read(readBuffer, 0, readBuffer.length)) > 0; ) {
      bytes += n;
    }
    return bytes;
  }

  @Benchmark
  public long nettyDecode() {
    nettyDecoder.writeInbound(Unpooled.wrappedBuffer(maskedFrames));
    long bytes = 0;
    for (WebSocketFrame f; (f = nettyDecoder.readInbound()) != null; ) {
      ByteBuf c = f.content();
      c.getBytes(c.readerIndex(), readBuffer, 0, Math.min(c.readableBytes(), readBuffer.length));
      bytes += c.readableBytes();
      f.release();
    }
    return bytes;
  }
}
