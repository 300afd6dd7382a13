// The binary bundle (bundle.hpp): what the JSON form says, smaller and faster to read.
//   "WXB1" varint(raw size) deflate(body)
//   body   := zigzag(schema) u64(from) varint(since) varint(upto)
//             varint(n) u64(replica)*                      the replicas stamps refer to
//             varint(base hlc)                             stamps are hlc - base
//             varint(n) (varint(replica index) varint(hlc))*   knowledge
//             varint(n) str*                               types, buckets and field names
//             varint(n) entity*
//   entity := id varint(type) varint(bucket) varint(n) field*
//   id     := 0x00 16 bytes (a lower-case UUID) | 0x01 str
//   field  := varint(name) u8(rule) set: str(element JSON) stamps(adds) stamps(removed)
//             | register: value stamp varint(n) (value stamp)* stamps(context)
//   stamp  := varint(hlc - base) varint(replica index)
// Decoding checks what bundle_from_json checks: every index, UTF-8, nesting depth, stamp
// range and check_received_state(); anything else is WX_CORRUPT.
#include <zlib.h>

#include <algorithm>
#include <map>

#include "byte_codec.hpp"
#include "werkex/bundle.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

constexpr std::string_view kMagic = "WXB1";

// Tables built while encoding: each name and replica once.
class Tables {
 public:
  size_t name(const std::string& s) { return index(names_, order_, s); }
  size_t replica(uint64_t r) { return index(replicas_, replica_order_, r); }
  const std::vector<std::string>& names() const { return order_; }
  const std::vector<uint64_t>& replicas() const { return replica_order_; }

 private:
  template <class K>
  static size_t index(std::map<K, size_t>& m, std::vector<K>& order, const K& k) {
    auto [it, fresh] = m.try_emplace(k, order.size());
    if (fresh) order.push_back(k);
    return it->second;
  }
  std::map<std::string, size_t> names_;
  std::vector<std::string> order_;
  std::map<uint64_t, size_t> replicas_;
  std::vector<uint64_t> replica_order_;
};

class BodyWriter {
 public:
  BodyWriter(std::string& out, Tables& t, uint64_t base) : w_(out), t_(t), base_(base) {}
  Writer& raw() { return w_; }
  void stamp(Stamp s) {
    w_.varint(s.hlc.value - base_);
    w_.varint(t_.replica(s.replica));
  }
  void stamps(const std::vector<Stamp>& v) {
    w_.varint(v.size());
    for (const Stamp& s : v) stamp(s);
  }
  void id(const std::string& id) {
    // A valid id is a lower-case UUID (ids.hpp); anything else goes as text, for the reader
    // to refuse as bundle_from_json would.
    unsigned char bytes[16];
    if (!uuid_to_bytes(id, bytes)) {
      w_.byte(1);
      return w_.str(id);
    }
    w_.byte(0);
    for (unsigned char b : bytes) w_.byte(b);
  }
  void field(const Change& c) {
    const FieldState& s = c.state;
    w_.varint(t_.name(c.field));
    w_.byte(static_cast<unsigned char>(s.rule));
    if (s.rule == MergeRule::set) {
      w_.str(element_key(c.element));
      stamps(s.adds);
      return stamps(s.removed);
    }
    w_.value(s.value);
    stamp(s.stamp);
    w_.varint(s.lost.size());
    for (const LostWrite& l : s.lost) {
      w_.value(l.value);
      stamp(l.stamp);
    }
    stamps(s.context);
  }

 private:
  Writer w_;
  Tables& t_;
  uint64_t base_;
};

uint64_t lowest_hlc(const Bundle& b) {
  uint64_t low = UINT64_MAX;
  auto see = [&](const Stamp& x) { low = std::min(low, x.hlc.value); };
  for (const Change& c : b.changes) {
    const FieldState& s = c.state;
    if (s.rule != MergeRule::set) see(s.stamp);
    for (const auto* v : {&s.context, &s.adds, &s.removed})
      std::for_each(v->begin(), v->end(), see);
    for (const LostWrite& l : s.lost) see(l.stamp);
  }
  return low == UINT64_MAX ? 0 : low;
}

std::string encode_body(const Bundle& b) {
  Tables t;
  const uint64_t base = lowest_hlc(b);
  std::string entities;
  BodyWriter ew(entities, t, base);
  size_t count = 0;
  for (size_t i = 0; i < b.changes.size();) {
    const Change& first = b.changes[i];
    size_t j = i;
    while (j < b.changes.size() && b.changes[j].entity == first.entity) ++j;
    ew.id(first.entity);
    ew.raw().varint(t.name(first.type));
    ew.raw().varint(t.name(first.bucket));
    ew.raw().varint(j - i);
    for (; i < j; ++i) ew.field(b.changes[i]);
    ++count;
  }
  std::string out;
  Writer w(out);
  const auto schema = static_cast<int64_t>(b.schema_version);
  w.varint((static_cast<uint64_t>(schema) << 1) ^ static_cast<uint64_t>(schema >> 63));
  w.u64(b.from_replica);
  w.varint(b.since_seq);
  w.varint(b.upto_seq);
  for (const Stamp& k : b.knowledge) t.replica(k.replica);
  w.varint(t.replicas().size());
  for (uint64_t r : t.replicas()) w.u64(r);
  w.varint(base);
  w.varint(b.knowledge.size());
  for (const Stamp& k : b.knowledge) {
    w.varint(t.replica(k.replica));
    w.varint(k.hlc.value);
  }
  w.varint(t.names().size());
  for (const std::string& n : t.names()) w.str(n);
  w.varint(count);
  out += entities;
  return out;
}

}  // namespace

Result<std::string> bundle_to_binary(const Bundle& b) {
  const std::string body = encode_body(b);
  std::string out(kMagic);
  Writer(out).varint(body.size());
  uLongf packed = compressBound(static_cast<uLong>(body.size()));
  const size_t head = out.size();
  out.resize(head + packed);
  // Level 1: most of what deflate saves on field values, at a fraction of the time.
  int rc =
      compress2(reinterpret_cast<Bytef*>(out.data() + head), &packed,
                reinterpret_cast<const Bytef*>(body.data()), static_cast<uLong>(body.size()), 1);
  if (rc != Z_OK) return make_error(WX_INTERNAL, "deflate failed (" + std::to_string(rc) + ")");
  out.resize(head + packed);
  return out;
}

}  // namespace werkex
