package nl.werkex.test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import nl.werkex.HttpClient;
import nl.werkex.HttpRequest;
import nl.werkex.HttpResponse;

/**
 * An app's own HTTP stack behind Transport.of: the JDK's java.net.http client, as an Android
 * app would use OkHttp. Counts what it sends, for the test.
 */
final class JdkHttpClient implements HttpClient {
  // Headers the JDK client sets itself and refuses from callers.
  private static final Set<String> RESTRICTED =
      new HashSet<>(Arrays.asList("connection", "content-length", "expect", "host", "upgrade"));

  private final java.net.http.HttpClient client =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  volatile int requests;
  volatile int bodyBytesReceived;

  @Override
  public HttpResponse send(HttpRequest request) throws IOException {
    requests++;
    byte[] body = request.body();
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
            .timeout(Duration.ofSeconds(20))
            .method(request.method(),
                body.length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                 : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : request.headers()) {
      if (!RESTRICTED.contains(h.getKey().toLowerCase())) b.header(h.getKey(), h.getValue());
    }
    java.net.http.HttpResponse<byte[]> r;
    try {
      r = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      headers.put(h.getKey(), String.join(", ", h.getValue()));
    }
    bodyBytesReceived += r.body().length;
    return new HttpResponse(r.statusCode(), headers, r.body());
  }
}
