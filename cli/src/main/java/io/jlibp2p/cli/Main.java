package io.jlibp2p.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jlibp2p} command. */
@Command(
    name = "jlibp2p",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A libp2p node and tools.",
    subcommands = {NodeCommand.class, PingCommand.class, IdCommand.class, TransportInteropCommand.class, PerfCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
