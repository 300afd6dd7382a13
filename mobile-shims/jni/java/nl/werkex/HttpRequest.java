package nl.werkex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One request werkex wants sent through an {@link HttpClient}: method ("GET", "HEAD", "POST",
 * "PUT"), absolute URL, headers in order, and the body as bytes (blob chunks are binary).
 * Immutable.
 */
public final class HttpRequest {
  private static final byte[] EMPTY = new byte[0];

  private final String method;
  private final String url;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;

  public HttpRequest(
      String method, String url, List<Map.Entry<String, String>> headers, byte[] body) {
    this.method = method;
    this.url = url;
    this.headers = headers == null ? Collections.<Map.Entry<String, String>>emptyList()
                                   : Collections.unmodifiableList(new ArrayList<>(headers));
    this.body = body == null ? EMPTY : body;
  }

  public String method() { return method; }

  public String url() { return url; }

  /** The headers in the order werkex set them (unmodifiable). */
  public List<Map.Entry<String, String>> headers() { return headers; }

  /** The value of the first header called {@code name}, case-insensitively; null if absent. */
  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
    }
    return null;
  }

  /** The body (empty when there is none); a copy. */
  public byte[] body() { return body.clone(); }
}
