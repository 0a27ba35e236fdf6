package io.jlibp2p.transport.quic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ReadBatchTest {
  /** Counts the reads asked of its channel. */
  private static final class Reads extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void read(ChannelHandlerContext ctx) {
      count++;
    }
  }

  @Test
  void readsAskedForDuringABatchRunOnceAtItsEnd() {
    Reads a = new Reads();
    Reads b = new Reads();
    EmbeddedChannel ca = new EmbeddedChannel(a);
    EmbeddedChannel cb = new EmbeddedChannel(b);
    int aBefore = a.count; // the channel's own first read, if any
    int bBefore = b.count;
    ReadBatch batch = new ReadBatch();
    assertThat(batch.active()).isFalse();

    batch.begin();
    assertThat(batch.active()).isTrue();
    batch.readAtEnd(ca);
    batch.readAtEnd(cb);
    assertThat(a.count).isEqualTo(aBefore);
    assertThat(b.count).isEqualTo(bBefore);

    batch.end();
    assertThat(batch.active()).isFalse();
    assertThat(a.count).isEqualTo(aBefore + 1);
    assertThat(b.count).isEqualTo(bBefore + 1);

    // the next batch starts with nothing asked for
    batch.begin();
    batch.end();
    assertThat(a.count).isEqualTo(aBefore + 1);
    assertThat(b.count).isEqualTo(bBefore + 1);
    ca.finishAndReleaseAll();
    cb.finishAndReleaseAll();
  }

  @Test
  void aReadOfAClosedChannelDoesNotStopTheOthers() {
    Reads b = new Reads();
    EmbeddedChannel closed = new EmbeddedChannel(new Reads());
    closed.close();
    EmbeddedChannel cb = new EmbeddedChannel(b);
    int bBefore = b.count;
    ReadBatch batch = new ReadBatch();
    batch.begin();
    batch.readAtEnd(closed);
    batch.readAtEnd(cb);
    batch.end();
    assertThat(b.count).isEqualTo(bBefore + 1);
    cb.finishAndReleaseAll();
  }
}
