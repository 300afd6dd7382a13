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
  private final String key;
  private final String dutchMessage;

  /** An exception with the given code; transient as the library counts it. */
  public WerkexException(ErrorCode code, String message) {
    this(code, message, code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED);
  }

  public WerkexException(ErrorCode code, String message, boolean isTransient) {
    this(code, message, isTransient, null, null);
  }

  private WerkexException(
      ErrorCode code, String message, boolean isTransient, String key, String dutchMessage) {
    super(message);
    this.code = code == null ? ErrorCode.INTERNAL : code;
    this.isTransient = isTransient;
    this.key = key == null || key.isEmpty() ? this.code.name().toLowerCase() : key;
    this.dutchMessage = dutchMessage == null || dutchMessage.isEmpty() ? message : dutchMessage;
  }

  /** Made by the native code: texts arrive as UTF-8 bytes (see Native and wx_error). */
  WerkexException(int code, byte[] utf8Message, boolean isTransient, byte[] utf8Key,
      byte[] utf8DutchMessage) {
    this(ErrorCode.of(code), new String(utf8Message, StandardCharsets.UTF_8), isTransient,
        new String(utf8Key, StandardCharsets.UTF_8),
        new String(utf8DutchMessage, StandardCharsets.UTF_8));
  }

  public ErrorCode code() { return code; }

  /** Whether the same call may succeed later; a sync that failed so loses nothing. */
  public boolean isTransient() { return isTransient; }

  /**
   * The stable key of the message in the library's catalogue ("role_may_not_write_type"), or
   * the code's name for a failure outside it: what an app matches on instead of the words.
   */
  public String key() { return key; }

  /** The message for a person: Dutch for "nl", English (getMessage()) for anything else. */
  public String messageIn(String language) {
    return "nl".equals(language) ? dutchMessage : getMessage();
  }

  @Override
  public String toString() {
    return "WerkexException(" + code + "): " + getMessage();
  }
}
