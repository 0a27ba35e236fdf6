package io.jlibp2p.host.internal;

import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.Subscription;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers host events in order on one virtual thread. The queue is bounded: when subscribers fall
 * behind by more than the backlog, new events are dropped and counted.
 */
final class EventBus implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventBus.class.getName());
  private static final Object STOP = new Object();

  private final BlockingQueue<Object> queue;
  private final List<Consumer<HostEvent>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;

  EventBus(int backlog) {
    this.queue = new ArrayBlockingQueue<>(backlog + 1);
    this.thread = Thread.ofVirtual().name("jlibp2p-events").start(this::run);
  }

  Subscription subscribe(Consumer<HostEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void publish(HostEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    if (!queue.offer(event)) {
      long n = dropped.incrementAndGet();
      LOG.log(Level.WARNING, "event backlog full, dropped {0} events so far", n);
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    try {
      while (true) {
        Object e = queue.take();
        if (e == STOP) {
          return;
        }
        for (Consumer<HostEvent> l : listeners) {
          try {
            l.accept((HostEvent) e);
          } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "event listener failed", ex);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Delivers what is queued, then stops the thread. */
  @Override
  public void close() {
    queue.clear();
    if (!queue.offer(STOP)) {
      thread.interrupt();
    }
    try {
      if (!thread.join(java.time.Duration.ofSeconds(5))) {
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
