package nl.werkex.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the test to read what the binding returns: objects become Map, arrays
 * List, numbers Double, plus String, Boolean and null. Strict about structure, so a malformed
 * answer fails the test.
 */
final class MiniJson {
  private final String s;
  private int i;

  private MiniJson(String s) { this.s = s; }

  static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    Object v = p.value();
    p.space();
    if (p.i != text.length()) throw p.error("trailing text");
    return v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    return (Map<String, Object>) parse(text);
  }

  @SuppressWarnings("unchecked")
  static List<Object> array(String text) {
    return (List<Object>) parse(text);
  }

  private Object value() {
    space();
    if (i >= s.length()) throw error("unexpected end");
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return obj();
      case '[':
        return arr();
      case '"':
        return str();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", null);
      default:
        return num();
    }
  }

  private Map<String, Object> obj() {
    Map<String, Object> out = new LinkedHashMap<>();
    i++;
    space();
    if (peek() == '}') {
      i++;
      return out;
    }
    while (true) {
      space();
      String key = str();
      space();
      expect(':');
      out.put(key, value());
      space();
      if (peek() == ',') {
        i++;
        continue;
      }
      expect('}');
      return out;
    }
  }

  private List<Object> arr() {
    List<Object> out = new ArrayList<>();
    i++;
    space();
    if (peek() == ']') {
      i++;
      return out;
    }
    while (true) {
      out.add(value());
      space();
      if (peek() == ',') {
        i++;
        continue;
      }
      expect(']');
      return out;
    }
  }

  private String str() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (i >= s.length()) throw error("unterminated string");
      char c = s.charAt(i++);
      if (c == '"') return out.toString();
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'u':
          out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
          break;
        default:
          out.append(e); // " \ /
      }
    }
  }

  private Double num() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
    if (start == i) throw error("unexpected character");
    return Double.valueOf(s.substring(start, i));
  }

  private Object word(String w, Object v) {
    if (!s.startsWith(w, i)) throw error("bad literal");
    i += w.length();
    return v;
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    i++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON " + what + " at " + i + " in: " + s);
  }
}
