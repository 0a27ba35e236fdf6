package io.jlibp2p.cli;

/** Entry point of the {@code jlibp2p} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("jlibp2p: no commands yet");
    System.exit(2);
  }
}
