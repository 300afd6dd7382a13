package nl.werkex.test;

import java.util.Objects;
import nl.werkex.ErrorCode;
import nl.werkex.WerkexException;

/** The test's assertions: each failure throws AssertionError naming what differed. */
final class Check {
  private Check() {}

  interface Body {
    void run() throws Exception;
  }

  static void isTrue(boolean condition, String what) {
    if (!condition) throw new AssertionError("expected: " + what);
  }

  static void eq(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  static void contains(String haystack, String needle, String what) {
    if (haystack == null || !haystack.contains(needle)) {
      throw new AssertionError(what + ": <" + haystack + "> does not contain <" + needle + ">");
    }
  }

  /** Runs body, which must throw WerkexException with `code`; returns it. */
  static WerkexException fails(ErrorCode code, Body body, String what) {
    try {
      body.run();
    } catch (WerkexException e) {
      if (e.code() != code) {
        throw new AssertionError(what + ": expected " + code + " but got " + e, e);
      }
      isTrue(e.getMessage() != null && !e.getMessage().isEmpty(), what + ": has a message");
      return e;
    } catch (Exception e) {
      throw new AssertionError(what + ": expected WerkexException " + code + " but got " + e, e);
    }
    throw new AssertionError(what + ": expected WerkexException " + code + " but nothing failed");
  }
}
