package nl.werkex;

/**
 * The library's error codes: the same numbers as {@code werkex/error_codes.h}, which the C ABI
 * and the server use too. Codes are stable and only ever appended; a code this binding does not
 * know (a newer library) reads as {@link #INTERNAL}. Immutable, so safe from any thread.
 */
public enum ErrorCode {
  OK(0),
  /** Malformed input: bad JSON, a wrong type, an unknown field or option, a bad value. */
  INVALID_ARGUMENT(1),
  /** No such entity, blob or file. */
  NOT_FOUND(2),
  /** The write contradicts stored state: a deleted entity, a written-once field. */
  CONFLICT(3),
  /** The role or bucket may not do this. */
  PERMISSION_DENIED(4),
  /** The file system or database failed. */
  IO(5),
  /** Stored data or a received bundle does not have the expected shape. */
  CORRUPT(6),
  /** A timestamp is too far ahead of the receiver's clock. */
  CLOCK_SKEW(7),
  /** Missing, expired or revoked token: enroll again. */
  UNAUTHENTICATED(8),
  /** Transient: the network or the server is unreachable; retry later. */
  UNAVAILABLE(9),
  /** A body, batch or value exceeds a limit. */
  TOO_LARGE(10),
  /** A bug: an invariant did not hold. */
  INTERNAL(11),
  /** Transient: too many requests from this device; retry later. */
  RATE_LIMITED(12),
  /** The object was closed: a bug in the caller, not transient. */
  CLOSED(13);

  private final int value;

  ErrorCode(int value) { this.value = value; }

  /** The number of this code in {@code error_codes.h}. */
  public int value() { return value; }

  /** The code with this number; {@link #INTERNAL} for a number this binding does not know. */
  public static ErrorCode of(int value) {
    for (ErrorCode c : values()) {
      if (c.value == value) return c;
    }
    return INTERNAL;
  }
}
