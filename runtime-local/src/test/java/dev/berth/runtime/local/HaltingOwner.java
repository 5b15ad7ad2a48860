package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import dev.berth.runtime.RestartPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM that {@link ListAfterOwnerDeathTest} lets die: it starts {@value #BOTS} bots with restart policies
 * that run until a file appears and then exit 3, prints {@code READY} and their runtime ids, and halts
 * ({@code Runtime.halt}: no shutdown hooks, no clean-up), so their state files still say RUNNING.
 *
 * <p>Arguments: state directory, scope, path of the file whose appearance makes every bot exit 3.
 */
public final class HaltingOwner {
  static final int BOTS = 10;
  static final String EXIT_ON_FILE = "trap 'exit 0' TERM; while [ ! -e \"$1\" ]; do sleep 0.05; done; exit 3";

  private HaltingOwner() {}

  static String id(int index) {
    return "restarting-" + index;
  }

  public static void main(String[] args) {
    LocalRuntime runtime = LocalRuntime.builder().stateDir(Path.of(args[0])).scope(args[1]).build();
    List<String> runtimeIds = new ArrayList<>();
    for (int i = 0; i < BOTS; i++) {
      BotSpec spec = LocalTestSupport.shBot(id(i), EXIT_ON_FILE, args[2])
          .restartPolicy(i % 2 == 0 ? RestartPolicy.ALWAYS : RestartPolicy.onFailure(5)).build();
      runtime.create(spec);
      runtime.start(spec.id());
      runtimeIds.add(runtime.status(spec.id()).runtimeId());
    }
    System.out.println("READY " + String.join(" ", runtimeIds));
    System.out.flush();
    java.lang.Runtime.getRuntime().halt(0);
  }
}
