package nl.werkex.test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real werkex-server as a child process on 127.0.0.1 with a free port and the demo school.
 * Its output goes to a file, read (as tests/integration/server_process.hpp does) until the URL
 * and the demo's enrolment codes are printed. Stopped with destroy() (SIGTERM).
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private String url;
  private final Map<String, String> codes = new HashMap<>();

  ServerProcess(String serverBinary, Path dir) throws Exception {
    Path data = dir.resolve("server");
    log = dir.resolve("server.log");
    process = new ProcessBuilder(
        serverBinary, "--data", data.toString(), "--listen", "127.0.0.1:0", "--demo")
                  .redirectOutput(log.toFile())
                  .redirectError(new File(dir.resolve("server.err").toString()))
                  .start();
    for (int attempt = 0; attempt < 200 && !parseLog(); attempt++) {
      if (!process.isAlive()) break;
      Thread.sleep(50);
    }
    if (url == null || codes.size() < 7) {
      close();
      throw new AssertionError("werkex-server did not start: " + read(log));
    }
  }

  String url() { return url; }

  String code(String name) {
    String c = codes.get(name);
    if (c == null) throw new AssertionError("no enrolment code for " + name + " in " + codes);
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
  }

  // True once the URL and the codes are in the log.
  private boolean parseLog() throws IOException {
    String all = read(log);
    int from = all.lastIndexOf("\"listening\"");
    if (from < 0 || all.indexOf("Try,", from) < 0) return false;
    int lineStart = all.lastIndexOf('\n', from) + 1;
    int lineEnd = all.indexOf('\n', from);
    url = (String) MiniJson.object(all.substring(lineStart, lineEnd)).get("url");
    int pos = all.indexOf('\n', all.indexOf("Enrolment codes", from)) + 1;
    codes.clear();
    while (pos < all.length() && all.startsWith("  ", pos)) {
      int end = all.indexOf('\n', pos);
      String line = all.substring(pos, end);
      pos = end + 1;
      // "  Name With Spaces   role        CODE": the code is the last word, the role the one
      // before it, the name everything before the role.
      String[] words = line.trim().split(" +");
      StringBuilder name = new StringBuilder();
      for (int w = 0; w < words.length - 2; w++) {
        if (w > 0) name.append(' ');
        name.append(words[w]);
      }
      codes.put(name.toString(), words[words.length - 1]);
    }
    return true;
  }
}
