package nl.werkex;

/**
 * How {@link Sync} and {@link Blobs} reach the server: libcurl inside the library ({@link
 * #curl()}) or the app's own HTTP stack ({@link #of(HttpClient)}).
 *
 * <p>Threading: one request at a time per transport; calls from several threads take turns.
 * Ownership: the transport owns a native handle (and, for {@link #of}, a reference to the client)
 * until {@link #close()}, which waits for a call using it to finish and then frees it, exactly
 * once; later uses throw {@link ErrorCode#CLOSED}. Idempotent and thread-safe.
 */
public final class Transport implements AutoCloseable {
  final Handle handle;

  private Transport(long h) { handle = new Handle(h, "transport", Native::transportRelease); }

  /** libcurl with the default options (keep-alive, retries with backoff). */
  public static Transport curl() throws WerkexException { return curl(null); }

  /**
   * libcurl with options (may be null): {@code {"connect_timeout_ms": 5000, "timeout_ms": 30000,
   * "max_attempts": 3, "backoff_ms": 200, "ca_file": "", "verify_peer": true, "user_agent":
   * "..."}}.
   */
  public static Transport curl(String optionsJson) throws WerkexException {
    return new Transport(Native.transportCurl(Native.utf8(optionsJson)));
  }

  /** The app's HTTP stack; the transport keeps {@code client} until it is closed. */
  public static Transport of(HttpClient client) throws WerkexException {
    if (client == null) {
      throw new WerkexException(ErrorCode.INVALID_ARGUMENT, "Transport.of: client is null");
    }
    return new Transport(Native.transportCallback(client));
  }

  @Override
  public void close() {
    handle.close();
  }
}
