package nl.werkex.test;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The JNI binding's test program, one scenario per run (ctest runs each as its own test):
 *
 * <pre>java -Djava.library.path=... -cp werkex-java.jar:werkex-jni-test.jar \
 *   nl.werkex.test.ShimTest offline|sync|blobs_signoff [werkex-server]</pre>
 *
 * Exits 0 when the scenario passed, 1 with the failure printed otherwise. Each run works in a
 * fresh temporary directory, removed at the end.
 */
public final class ShimTest {
  private ShimTest() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ShimTest offline|sync|blobs_signoff [werkex-server]");
      System.exit(2);
    }
    String scenario = args[0];
    String server = args.length > 1 ? args[1] : null;
    Path dir = Files.createTempDirectory("werkex-jni-" + scenario + "-");
    int exit = 0;
    try {
      switch (scenario) {
        case "offline":
          OfflineScenario.run(dir);
          break;
        case "sync":
          SyncScenario.run(dir, need(server));
          break;
        case "blobs_signoff":
          BlobSignoffScenario.run(dir, need(server));
          break;
        default:
          System.err.println("unknown scenario " + scenario);
          exit = 2;
      }
      if (exit == 0) System.out.println("jni " + scenario + ": passed");
    } catch (Throwable t) {
      System.out.println("jni " + scenario + ": FAILED");
      t.printStackTrace(System.out);
      exit = 1;
    } finally {
      removeTree(dir);
    }
    System.exit(exit);
  }

  private static String need(String server) {
    if (server == null) throw new IllegalArgumentException("this scenario needs werkex-server");
    return server;
  }

  private static void removeTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
