#include "werkex/wire_format.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace werkex {

namespace {

// Nesting deeper than any protocol message needs. nlohmann's CBOR and MessagePack readers
// recurse per level, so the limit is enforced while parsing (not after), which also keeps a
// 16 MB body of nested arrays from exhausting the stack.
constexpr size_t kMaxDepth = 64;
constexpr const char* kDisplayNames[] = {"JSON", "CBOR", "MessagePack"};

// Builds the DOM through nlohmann's own builder, refusing what the protocol has no place for.
class StrictBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  // `body_size`: no array or map can hold more elements than the body has bytes.
  StrictBuilder(json& out, size_t body_size) : dom_(out, false), body_size_(body_size) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return dom_.number_unsigned(v); }
  // NaN and infinities have no JSON text (nlohmann would print them as null), so a binary
  // body cannot carry them either.
  bool number_float(number_float_t v, const string_t& s) {
    return (std::isfinite(v) || refuse("a number that is not finite (NaN or infinity)")) &&
           dom_.number_float(v, s);
  }
  bool string(string_t& v) { return utf8(v, "a text value") && dom_.string(v); }
  bool binary(binary_t&) { return refuse("a byte string (the protocol has text only)"); }
  bool start_object(size_t n) { return deeper() && fits(n, "a map") && dom_.start_object(n); }
  bool key(string_t& v) { return utf8(v, "an object key") && dom_.key(v); }
  bool end_object() { return --depth_, dom_.end_object(); }
  bool start_array(size_t n) { return deeper() && fits(n, "an array") && dom_.start_array(n); }
  bool end_array() { return --depth_, dom_.end_array(); }
  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& e) {
    if (why_.empty()) why_ = "at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

  const std::string& why() const { return why_; }

 private:
  bool refuse(std::string why) {
    if (why_.empty()) why_ = std::move(why);
    return false;
  }
  bool deeper() {
    return ++depth_ <= kMaxDepth ||
           refuse("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  // A CBOR or MessagePack header may declare any length up to 2^64-1; nlohmann's DOM builder
  // throws (even with exceptions turned off) for one above max_size(), so a length that
  // cannot be real is refused here first. n == -1: indefinite length (CBOR), counted as read.
  bool fits(size_t n, const char* what) {
    if (n == static_cast<size_t>(-1) || n <= body_size_) return true;
    return refuse(std::string(what) + " header declaring " + std::to_string(n) +
                  " elements in a body of " + std::to_string(body_size_) + " bytes");
  }
  bool utf8(const string_t& s, const char* what) {
    return is_valid_utf8(s) || refuse(std::string(what) + " that is not valid UTF-8");
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  size_t body_size_;
  size_t depth_ = 0;
  std::string why_;
};

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const char* media_type(WireFormat format) {
  switch (format) {
    case WireFormat::json:
      return "application/json";
    case WireFormat::cbor:
      return "application/cbor";
    case WireFormat::msgpack:
      return "application/msgpack";
  }
  return "application/json";
}

const char* wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::json:
      return "json";
    case WireFormat::cbor:
      return "cbor";
    case WireFormat::msgpack:
      return "msgpack";
  }
  return "json";
}

std::optional<WireFormat> wire_format_from_name(std::string_view name) {
  for (WireFormat f : {WireFormat::json, WireFormat::cbor, WireFormat::msgpack})
    if (name == wire_format_name(f)) return f;
  return std::nullopt;
}

std::optional<WireFormat> wire_format_from_content_type(std::string_view content_type) {
  std::string type = lower_trimmed(content_type.substr(0, content_type.find(';')));
  if (type.empty() || type == "application/json") return WireFormat::json;
  if (type == "application/cbor") return WireFormat::cbor;
  if (type == "application/msgpack" || type == "application/x-msgpack") return WireFormat::msgpack;
  return std::nullopt;
}

WireFormat negotiate_wire_format(std::string_view accept, WireFormat fallback) {
  std::optional<WireFormat> best;
  double best_q = 0;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    double q = 1;
    if (size_t at = item.find(";q="); at != std::string_view::npos)
      q = std::strtod(std::string(item.substr(at + 3)).c_str(), nullptr);
    std::string type = lower_trimmed(item.substr(0, item.find(';')));
    if (type.empty() || type == "*/*" || type == "application/*") continue;
    auto format = wire_format_from_content_type(type);
    if (format && q > best_q) {
      best = format;
      best_q = q;
    }
  }
  return best.value_or(fallback);
}

std::string encode_body(const json& value, WireFormat format) {
  switch (format) {
    case WireFormat::cbor: {
      std::string out;
      json::to_cbor(value, out);
      return out;
    }
    case WireFormat::msgpack: {
      std::string out;
      json::to_msgpack(value, out);
      return out;
    }
    case WireFormat::json:
      break;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<json> decode_body(std::string_view body, WireFormat format) try {
  json out;
  StrictBuilder builder(out, body.size());
  bool ok = false;
  switch (format) {
    case WireFormat::json:
      ok = json::sax_parse(body, &builder, json::input_format_t::json, true, false);
      break;
    case WireFormat::cbor:
      ok = json::sax_parse(body, &builder, json::input_format_t::cbor, true, false);
      break;
    case WireFormat::msgpack:
      ok = json::sax_parse(body, &builder, json::input_format_t::msgpack, true, false);
      break;
  }
  if (!ok)
    return make_error(WX_INVALID_ARGUMENT,
                      std::string("the body is not valid ") +
                          kDisplayNames[static_cast<int>(format)] + ": " +
                          (builder.why().empty() ? "it ends early" : builder.why()));
  return out;
} catch (const std::exception& e) {
  // The builder refuses what nlohmann would throw for; this is the last line of defence, so
  // that no input can make an exception escape (a server would answer 500, an app crash).
  return make_error(WX_INVALID_ARGUMENT, std::string("the body is not valid ") +
                                             kDisplayNames[static_cast<int>(format)] + ": " +
                                             e.what());
}

}  // namespace werkex
