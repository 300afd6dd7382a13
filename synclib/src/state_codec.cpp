// The binary state codec (see state_codec.hpp for the layout). Decoding builds the rows
// directly from bytes: strings, numbers and stamps are copied, not lexed, and only arrays and
// objects (rare as field values) go through the JSON parser.
#include "state_codec.hpp"

#include <cstring>

#include "werkex/bundle.hpp"

namespace werkex {

namespace {

enum ValueTag : unsigned char {
  kNull = 0,
  kFalse = 1,
  kTrue = 2,
  kString = 3,
  kInt = 4,
  kUnsigned = 5,
  kDouble = 6,
  kJsonText = 7
};

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void byte(unsigned char b) { out_.push_back(static_cast<char>(b)); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<unsigned char>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<unsigned char>(v));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(v >> (8 * i)));
  }
  void str(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void stamp(Stamp s) {
    u64(s.hlc.value);
    u64(s.replica);
  }
  void stamps(const std::vector<Stamp>& v) {
    varint(v.size());
    for (const Stamp& s : v) stamp(s);
  }
  void value(const json& v) {
    switch (v.type()) {
      case json::value_t::null:
        return byte(kNull);
      case json::value_t::boolean:
        return byte(v.get<bool>() ? kTrue : kFalse);
      case json::value_t::string:
        byte(kString);
        return str(v.get_ref<const std::string&>());
      case json::value_t::number_integer: {
        const int64_t i = v.get<int64_t>();
        byte(kInt);
        return varint((static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63));
      }
      case json::value_t::number_unsigned:
        byte(kUnsigned);
        return varint(v.get<uint64_t>());
      case json::value_t::number_float: {
        const double d = v.get<double>();
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        byte(kDouble);
        return u64(bits);
      }
      default:
        byte(kJsonText);
        return str(v.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }

 private:
  std::string& out_;
};

// Reads with bounds checks; the first failure sticks (every later read yields zeros).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  unsigned char byte() {
    if (!ok_ || pos_ >= in_.size()) return fail(), 0;
    return static_cast<unsigned char>(in_[pos_++]);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      unsigned char b = byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  // A count of items each at least `min_bytes` long: larger than what is left is damage.
  size_t count(size_t min_bytes) {
    uint64_t n = varint();
    if (n > (in_.size() - pos_) / min_bytes) return fail(), 0;
    return static_cast<size_t>(n);
  }
  uint64_t u64() {
    if (!ok_ || in_.size() - pos_ < 8) return fail(), 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  std::string_view str() {
    uint64_t n = varint();
    if (!ok_ || n > in_.size() - pos_) return fail(), std::string_view();
    std::string_view s = in_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  Stamp stamp() {
    Stamp s;
    s.hlc.value = u64();
    s.replica = u64();
    return s;
  }
  std::vector<Stamp> stamps() {
    std::vector<Stamp> v(count(16));
    for (Stamp& s : v) s = stamp();
    return v;
  }
  json value() {
    switch (byte()) {
      case kNull:
        return nullptr;
      case kFalse:
        return false;
      case kTrue:
        return true;
      case kString:
        return std::string(str());
      case kInt: {
        uint64_t z = varint();
        return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
      }
      case kUnsigned:
        return varint();
      case kDouble: {
        uint64_t bits = u64();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
      }
      case kJsonText: {
        json v = json::parse(str(), nullptr, false);
        if (v.is_discarded() || !(v.is_array() || v.is_object())) fail();
        return v;
      }
      default:
        return fail(), nullptr;
    }
  }
  void fail() { ok_ = false; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void encode_field(Writer& w, const std::pair<std::string, std::string>& key, const FieldRow& row) {
  const FieldState& s = row.state;
  w.str(key.first);
  w.byte(static_cast<unsigned char>(s.rule));
  w.varint(row.seq);
  if (s.rule == MergeRule::set) {
    w.str(key.second);
    w.stamps(s.adds);
    w.stamps(s.removed);
    return;
  }
  w.value(s.value);
  w.stamp(s.stamp);
  w.varint(s.lost.size());
  for (const LostWrite& l : s.lost) {
    w.value(l.value);
    w.stamp(l.stamp);
  }
  w.stamps(s.context);
}

// One field; false if the bytes are not a field.
bool decode_field(Reader& r, EntityFields& out) {
  std::string name(r.str());
  const unsigned char rule = r.byte();
  if (rule > static_cast<unsigned char>(MergeRule::set)) return false;
  FieldRow row;
  row.state.rule = static_cast<MergeRule>(rule);
  row.seq = r.varint();
  std::string element_text;
  if (row.state.rule == MergeRule::set) {
    element_text = std::string(r.str());
    row.element = json::parse(element_text, nullptr, false);
    if (row.element.is_discarded() || row.element.is_null()) return false;
    row.state.adds = r.stamps();
    row.state.removed = r.stamps();
  } else {
    row.state.value = r.value();
    row.state.stamp = r.stamp();
    row.state.lost.resize(r.count(17));
    for (LostWrite& l : row.state.lost) {
      l.value = r.value();
      l.stamp = r.stamp();
    }
    row.state.context = r.stamps();
  }
  if (!r.ok()) return false;
  return out.emplace(std::make_pair(std::move(name), std::move(element_text)), std::move(row))
      .second;
}

}  // namespace

std::string encode_state(const EntityFields& fields) {
  std::string out;
  out.reserve(64 * fields.size() + 8);
  Writer w(out);
  w.byte(kStateCodecVersion);
  w.varint(fields.size());
  for (const auto& [key, row] : fields) encode_field(w, key, row);
  return out;
}

Result<EntityFields> decode_state(std::string_view bytes, const std::string& id) {
  auto damaged = [&](const char* why) {
    return make_error(WX_CORRUPT, "entity " + id + ": stored state is damaged (" + why + ")");
  };
  Reader r(bytes);
  if (r.byte() != kStateCodecVersion) return damaged("unknown encoding");
  const size_t n = r.count(12);
  EntityFields out;
  for (size_t i = 0; i < n; ++i)
    if (!decode_field(r, out)) return damaged("a field cannot be read");
  if (!r.ok() || !r.at_end()) return damaged("wrong length");
  return out;
}

Result<EntityFields> decode_json_state(std::string_view text, const std::string& id) {
  json arr = json::parse(text, nullptr, false);
  if (!arr.is_array())
    return make_error(WX_CORRUPT, "entity " + id + ": stored state is not a JSON array");
  EntityFields out;
  for (const json& f : arr) {
    Change c;
    uint64_t seq = 0;
    if (Status s = field_from_json(f, c, &seq); !s)
      return make_error(WX_CORRUPT,
                        "entity " + id + ": stored state is damaged: " + s.error().message);
    std::string elem = c.state.rule == MergeRule::set ? element_key(c.element) : std::string();
    out.emplace(std::make_pair(std::move(c.field), std::move(elem)),
                FieldRow{std::move(c.element), std::move(c.state), seq, false});
  }
  return out;
}

}  // namespace werkex
