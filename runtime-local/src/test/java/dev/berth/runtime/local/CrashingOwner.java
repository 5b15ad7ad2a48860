package dev.berth.runtime.local;

import dev.berth.runtime.BotSpec;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The JVM that {@link OwnerJvmCrashTest} kills: it starts bots in a state directory, prints {@code READY} and
 * the steady bot's runtime id, and then idles until it is killed with SIGKILL.
 *
 * <p>Arguments: state directory, scope, path of the file whose appearance makes {@code exits-later} exit 7.
 */
public final class CrashingOwner {
  static final String SLEEP = "trap 'exit 0' TERM; while :; do sleep 1000 & wait $!; done";

  private CrashingOwner() {}

  public static void main(String[] args) throws InterruptedException {
    Path stateDir = Path.of(args[0]);
    String scope = args[1];
    String go = args[2];
    LocalRuntime runtime = LocalRuntime.builder().stateDir(stateDir).scope(scope).build();
    start(runtime, LocalTestSupport.shBot("steady", SLEEP).build());
    start(runtime, LocalTestSupport.shBot("exits-later",
        "trap 'exit 0' TERM; while [ ! -e \"$1\" ]; do sleep 0.05; done; echo bye; exit 7", go).build());
    start(runtime, LocalTestSupport.shBot("ticker",
        "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo \"tick-$i\"; sleep 0.05; done").build());
    System.out.println("READY " + runtime.status("steady").runtimeId());
    System.out.flush();
    new CountDownLatch(1).await(); // until SIGKILL
  }

  private static void start(LocalRuntime runtime, BotSpec spec) {
    runtime.create(spec);
    runtime.start(spec.id());
  }
}
