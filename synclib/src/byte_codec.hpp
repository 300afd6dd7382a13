// Little binary writers and readers shared by the state codec (state_codec.hpp) and the
// binary bundle (bundle.hpp): LEB128 varints, little-endian u64, length-prefixed strings,
// stamps and tagged JSON values. The Reader checks every bound and every count against the
// bytes left; its first failure sticks, so a damaged input reads as zeros and ok() is false.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/clock.hpp"
#include "werkex/merge.hpp"

namespace werkex {

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
  size_t remaining() const { return in_.size() - pos_; }
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
  // Reads past a value() without building it.
  void skip_value() {
    switch (byte()) {
      case kNull:
      case kFalse:
      case kTrue:
        return;
      case kString:
      case kJsonText:
        str();
        return;
      case kInt:
      case kUnsigned:
        varint();
        return;
      case kDouble:
        u64();
        return;
      default:
        fail();
    }
  }
  void fail() { ok_ = false; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace werkex
