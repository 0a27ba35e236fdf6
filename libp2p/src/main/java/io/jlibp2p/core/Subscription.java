package io.jlibp2p.core;

/** A registration that ends when closed. Idempotent, thread-safe. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
