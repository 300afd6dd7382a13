package nl.werkex;

/**
 * The binding as a whole: the native library's version and ABI. Touching any class of this
 * package loads the native library {@code werkex_jni} once and checks that its C ABI is the one
 * this binding was written for ({@value #ABI_VERSION}); a mismatch is an {@link
 * UnsatisfiedLinkError}. Safe from any thread.
 */
public final class Werkex {
  /** The WX_ABI_VERSION of werkex.h this binding was written against. */
  public static final int ABI_VERSION = 2;

  private Werkex() {}

  /** The library's version, as "0.1.0". */
  public static String version() { return Native.text(Native.version()); }

  /** The C ABI version of the loaded native library (equal to {@link #ABI_VERSION}). */
  public static int abiVersion() { return Native.abiVersion(); }

  /**
   * The built-in schema document (JSON): the form an extension for {@link
   * Replica#openWithSchema} follows, and the names it may not take.
   */
  public static String schemaBuiltin() throws WerkexException {
    return Native.text(Native.schemaBuiltin());
  }
}
