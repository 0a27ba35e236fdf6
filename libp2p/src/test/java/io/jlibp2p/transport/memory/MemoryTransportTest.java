package io.jlibp2p.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.TransportListener;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory transport's own rules: addresses, limits, backpressure and closing. */
@Timeout(30)
class MemoryTransportTest {
  private static final Duration T = Duration.ofSeconds(5);
  private final MemoryTransport transport = new MemoryTransport();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() {
    transport.close();
    threads.shutdownNow();
  }

  @Test
  void addresses() throws Exception {
    assertThat(transport.canListen(Multiaddr.parse("/memory/0"))).isTrue();
    assertThat(transport.canDial(Multiaddr.parse("/memory/7/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"))).isTrue();
    assertThat(transport.canListen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))).isFalse();
    assertThat(transport.canDial(Multiaddr.parse("/memory/7/ws"))).isFalse();
    TransportListener a = transport.listen(Multiaddr.parse("/memory/0"));
    TransportListener b = transport.listen(Multiaddr.parse("/memory/0"));
    assertThat(a.localAddress()).isNotEqualTo(b.localAddress());
    assertThat(a.localAddress().toString()).matches("/memory/[1-9][0-9]*");
    assertThatThrownBy(() -> transport.listen(a.localAddress()))
        .isInstanceOf(IOException.class).hasMessageContaining("already in use");
    assertThatThrownBy(() -> transport.dial(Multiaddr.parse("/memory/18446744073709551615"), T))
        .isInstanceOf(ConnectException.class).hasMessageContaining("nothing listens");
  }

  @Test
  void bytesFlowBothWaysAndCloseIsAnEndOfStream() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/memory/0"));
    RawConnection dialer = transport.dial(l.localAddress(), T);
    RawConnection accepted = l.accept();
    assertThat(dialer.isInitiator()).isTrue();
    assertThat(accepted.isInitiator()).isFalse();
    assertThat(dialer.remoteAddress()).isEqualTo(l.localAddress());
    assertThat(accepted.remoteAddress()).isEqualTo(dialer.localAddress());
    dialer.out().write("hello".getBytes());
    byte[] got = new byte[5];
    assertThat(accepted.in().readNBytes(got, 0, 5)).isEqualTo(5);
    assertThat(new String(got)).isEqualTo("hello");
    accepted.out().write(1);
    assertThat(dialer.in().read()).isEqualTo(1);
    dialer.close();
    assertThat(accepted.in().read()).isEqualTo(-1);
    assertThatThrownBy(() -> accepted.out().write(new byte[10])).isInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> dialer.in().read()).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void aWriterBlocksWhenItsReaderDoesNotRead() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/memory/0"));
    RawConnection dialer = transport.dial(l.localAddress(), T);
    RawConnection accepted = l.accept();
    Future<?> writer = threads.submit(() -> {
      dialer.out().write(new byte[MemoryTransport.PIPE_CAPACITY + 1]);
      return null;
    });
    Awaitility.await().atMost(T).until(() -> accepted.in().available() == MemoryTransport.PIPE_CAPACITY);
    assertThat(writer.isDone()).isFalse();
    assertThat(accepted.in().readNBytes(MemoryTransport.PIPE_CAPACITY)).hasSize(MemoryTransport.PIPE_CAPACITY);
    writer.get(5, TimeUnit.SECONDS);
    assertThat(accepted.in().read()).isEqualTo(0);
    // closing unblocks a blocked reader
    Future<Integer> reader = threads.submit(() -> accepted.in().read());
    accepted.close();
    assertThatThrownBy(() -> reader.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void theAcceptQueueIsBoundedAndClosingAListenerRefusesWhatWaits() throws Exception {
    TransportListener l = transport.listen(Multiaddr.parse("/memory/0"));
    List<RawConnection> waiting = new ArrayList<>();
    for (int i = 0; i < MemoryTransport.MAX_PENDING; i++) {
      waiting.add(transport.dial(l.localAddress(), T));
    }
    assertThatThrownBy(() -> transport.dial(l.localAddress(), T))
        .isInstanceOf(ConnectException.class).hasMessageContaining("wait to be accepted");
    Future<RawConnection> accept = threads.submit(() -> {
      for (int i = 0; i < MemoryTransport.MAX_PENDING; i++) {
        l.accept();
      }
      return l.accept();
    });
    Awaitility.await().atMost(T).until(() -> {
      try {
        transport.dial(l.localAddress(), T).close();
        return true;
      } catch (ConnectException full) {
        return false;
      }
    });
    accept.get(5, TimeUnit.SECONDS);
    RawConnection unaccepted = transport.dial(l.localAddress(), T);
    transport.close(); // closes the listener
    assertThat(unaccepted.in().read()).isEqualTo(-1);
    assertThatThrownBy(l::accept).isInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> transport.dial(l.localAddress(), T)).isInstanceOf(ConnectException.class);
    waiting.forEach(RawConnection::close);
  }
}
