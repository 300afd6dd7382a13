package nl.werkex;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Which entities a list, count or observer is about, built fluently and turned into werkex.h's
 * query JSON: {@code Query.all().type("activity").where("kind", "snuffelstage").limit(10)}.
 * Immutable: every method returns a new query, so one may be shared between threads. A query
 * holds one {@code where} condition (the C query has one field/equals pair); a later {@code
 * where} replaces it.
 */
public final class Query {
  private final String type;
  private final String bucket;
  private final String field;
  private final String equalsJson; // the value, already JSON
  private final String orderBy;
  private final Boolean includeDeleted;
  private final long limit; // < 0: not set
  private final long offset; // < 0: not set

  private Query(String type, String bucket, String field, String equalsJson, String orderBy,
      Boolean includeDeleted, long limit, long offset) {
    this.type = type;
    this.bucket = bucket;
    this.field = field;
    this.equalsJson = equalsJson;
    this.orderBy = orderBy;
    this.includeDeleted = includeDeleted;
    this.limit = limit;
    this.offset = offset;
  }

  /** Every entity. */
  public static Query all() { return new Query(null, null, null, null, null, null, -1, -1); }

  /** Only entities of this type ("activity", "experience", ...). */
  public Query type(String type) {
    return new Query(type, bucket, field, equalsJson, orderBy, includeDeleted, limit, offset);
  }

  /** Only entities of this bucket ("pupil:&lt;id&gt;"). */
  public Query bucket(String bucket) {
    return new Query(type, bucket, field, equalsJson, orderBy, includeDeleted, limit, offset);
  }

  /** Only entities whose {@code field} equals {@code value} (a set field: contains it). */
  public Query where(String field, String value) {
    return withWhere(field, value == null ? "null" : quote(value));
  }

  /** Only entities whose {@code field} equals the number (finite). */
  public Query where(String field, Number value) { return withWhere(field, number(value)); }

  /** Only entities whose {@code field} equals the boolean. */
  public Query where(String field, boolean value) {
    return withWhere(field, value ? "true" : "false");
  }

  /** Sorted by this field. */
  public Query orderBy(String field) {
    return new Query(type, bucket, this.field, equalsJson, field, includeDeleted, limit, offset);
  }

  /** Whether deleted entities are included (false by default). */
  public Query includeDeleted(boolean include) {
    return new Query(type, bucket, field, equalsJson, orderBy, include, limit, offset);
  }

  /** At most this many (0: no limit). */
  public Query limit(long limit) {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    return new Query(type, bucket, field, equalsJson, orderBy, includeDeleted, limit, offset);
  }

  /** Skips this many. */
  public Query offset(long offset) {
    if (offset < 0) throw new IllegalArgumentException("offset must not be negative");
    return new Query(type, bucket, field, equalsJson, orderBy, includeDeleted, limit, offset);
  }

  /** The query as werkex.h's JSON; "{}" for {@link #all()}. */
  public String toJson() {
    StringBuilder out = new StringBuilder("{");
    member(out, "type", type == null ? null : quote(type));
    member(out, "bucket", bucket == null ? null : quote(bucket));
    member(out, "field", field == null ? null : quote(field));
    member(out, "equals", equalsJson);
    member(out, "order_by", orderBy == null ? null : quote(orderBy));
    member(out, "include_deleted", includeDeleted == null ? null : includeDeleted.toString());
    member(out, "limit", limit < 0 ? null : Long.toString(limit));
    member(out, "offset", offset < 0 ? null : Long.toString(offset));
    return out.append('}').toString();
  }

  @Override
  public String toString() {
    return toJson();
  }

  private Query withWhere(String field, String json) {
    if (field == null) throw new IllegalArgumentException("where: field is null");
    return new Query(type, bucket, field, json, orderBy, includeDeleted, limit, offset);
  }

  private static void member(StringBuilder out, String key, String json) {
    if (json == null) return;
    if (out.length() > 1) out.append(',');
    out.append('"').append(key).append("\":").append(json);
  }

  private static String number(Number n) {
    if (n == null) return "null";
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("where: " + n + " is not a JSON number");
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
      return Double.toString(d);
    }
    if (n instanceof BigDecimal) return ((BigDecimal) n).toString();
    if (n instanceof BigInteger) return n.toString();
    return Long.toString(n.longValue());
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }
}
