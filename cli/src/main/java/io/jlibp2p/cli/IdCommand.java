package io.jlibp2p.cli;

import io.jlibp2p.crypto.KeyFiles;
import io.jlibp2p.crypto.PeerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the peer id of a key file. */
@Command(name = "id", mixinStandardHelpOptions = true, description = "Print the peer id of a key file.")
final class IdCommand implements Callable<Integer> {
  @Option(names = "--key", paramLabel = "FILE", description = "Key file. Default: ~/.jlibp2p/identity.key (created if missing)")
  Path key;

  @Override
  public Integer call() throws Exception {
    if (key != null && !Files.exists(key)) {
      System.err.println("no key file: " + key);
      return 1;
    }
    var k = key == null ? Keys.loadOrCreate(null) : KeyFiles.read(key);
    System.out.println(PeerId.fromPublicKey(k.publicKey()));
    return 0;
  }
}
