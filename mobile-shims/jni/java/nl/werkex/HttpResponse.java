package nl.werkex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer an {@link HttpClient} got: status (100..599), headers (names in any case; werkex
 * reads them case-insensitively) and body bytes. Immutable: the constructor copies what it is
 * given.
 */
public final class HttpResponse {
  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  public HttpResponse(int status, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.headers = headers == null ? Collections.<String, String>emptyMap()
                                   : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.body = body == null ? new byte[0] : body.clone();
  }

  public int status() { return status; }

  /** The headers (unmodifiable). */
  public Map<String, String> headers() { return headers; }

  /** The value of the header called {@code name}, case-insensitively; null if absent. */
  public String header(String name) {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
    }
    return null;
  }

  /** The body; a copy. */
  public byte[] body() { return body.clone(); }

  /** The body itself, for the native side (which only reads it). */
  byte[] bodyUnsafe() { return body; }
}
