package nl.werkex;

import java.nio.charset.StandardCharsets;

/**
 * Every failure of the werkex binding: a {@link ErrorCode} and the library's message for a
 * person. {@link #isTransient()} says whether the same call may succeed later (no network,
 * server busy, rate limited), so an app knows to retry a sync rather than show an error.
 * Immutable once thrown.
 */
public class WerkexException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final boolean isTransient;

  /** An exception with the given code; transient as the library counts it. */
  public WerkexException(ErrorCode code, String message) {
    this(code, message, code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED);
  }

  public WerkexException(ErrorCode code, String message, boolean isTransient) {
    super(message);
    this.code = code == null ? ErrorCode.INTERNAL : code;
    this.isTransient = isTransient;
  }

  /** Made by the native code: the message arrives as UTF-8 bytes (see Native). */
  WerkexException(int code, byte[] utf8Message, boolean isTransient) {
    this(ErrorCode.of(code), new String(utf8Message, StandardCharsets.UTF_8), isTransient);
  }

  public ErrorCode code() { return code; }

  /** Whether the same call may succeed later; a sync that failed so loses nothing. */
  public boolean isTransient() { return isTransient; }

  @Override
  public String toString() {
    return "WerkexException(" + code + "): " + getMessage();
  }
}
