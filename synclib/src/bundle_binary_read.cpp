// Reading the binary bundle (layout in bundle_binary.cpp): inflate, then every part checked
// as bundle_from_json checks the JSON form.
#include <zlib.h>

#include <algorithm>
#include <climits>

#include "byte_codec.hpp"
#include "werkex/bundle.hpp"
#include "werkex/ids.hpp"
#include "werkex/schema.hpp"

namespace werkex {

namespace {

constexpr std::string_view kMagic = "WXB1";
// Unpacked sizes above this are refused before inflating: a forged size must not allocate
// without bound (every body limit of the server is far below it).
constexpr uint64_t kMaxRawBytes = uint64_t{1} << 30;

Error bad(const std::string& what) {
  return make_error(WX_CORRUPT, "binary bundle: " + what);
}

Result<std::string> inflate_body(std::string_view bytes) {
  Reader head(bytes.substr(kMagic.size()));
  const uint64_t raw_size = head.varint();
  if (!head.ok() || raw_size > kMaxRawBytes)
    return bad("the unpacked size is missing or too large");
  const size_t skip = kMagic.size() + (bytes.size() - kMagic.size() - head.remaining());
  std::string body(static_cast<size_t>(raw_size), '\0');
  uLongf got = static_cast<uLongf>(raw_size);
  uLong used = static_cast<uLong>(bytes.size() - skip);
  int rc = uncompress2(reinterpret_cast<Bytef*>(body.data()), &got,
                       reinterpret_cast<const Bytef*>(bytes.data() + skip), &used);
  if (rc != Z_OK || got != raw_size || used != bytes.size() - skip)
    return bad("the packed body is damaged (inflate " + std::to_string(rc) + ")");
  return body;
}

class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : r_(body) {}
  Reader& raw() { return r_; }
  Status tables() {
    replicas_.resize(r_.count(8));
    for (uint64_t& x : replicas_) x = r_.u64();
    base_ = r_.varint();
    return r_.ok() ? Status::ok() : bad("the replica table is damaged");
  }
  Result<Stamp> stamp() {
    const uint64_t delta = r_.varint();
    const uint64_t idx = r_.varint();
    if (!r_.ok() || idx >= replicas_.size() || delta > Hlc::kMaxValue - base_)
      return bad("a stamp is out of range");
    return Stamp{Hlc{base_ + delta}, replicas_[idx]};
  }
  Status stamps(std::vector<Stamp>& out) {
    out.resize(r_.count(2));
    for (Stamp& s : out) {
      WX_ASSIGN_OR_RETURN(s, stamp());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return Status::ok();
  }
  uint64_t replica(uint64_t idx) const { return idx < replicas_.size() ? replicas_[idx] : 0; }
  Result<json> value() {
    json v = r_.value();
    if (!r_.ok()) return bad("a value is damaged");
    if (Status s = check_json_value(v); !s) return bad(s.error().message);
    return v;
  }

 private:
  Reader r_;
  std::vector<uint64_t> replicas_;
  uint64_t base_ = 0;
};

Result<std::string> read_id(Reader& r) {
  if (r.byte() == 1) return std::string(r.str());
  unsigned char bytes[16];
  for (unsigned char& b : bytes) b = r.byte();
  return uuid_from_bytes(bytes);
}

Status read_field(BodyReader& br, const std::vector<std::string>& names, Change& c) {
  Reader& r = br.raw();
  const uint64_t name = r.varint();
  const unsigned char rule = r.byte();
  if (!r.ok() || name >= names.size() || rule > static_cast<unsigned char>(MergeRule::set))
    return bad("entity " + c.entity + ": a field is damaged");
  c.field = names[name];
  c.state.rule = static_cast<MergeRule>(rule);
  if (c.state.rule == MergeRule::set) {
    c.element = json::parse(r.str(), nullptr, false);
    if (!r.ok() || c.element.is_discarded())
      return bad("entity " + c.entity + ": a set element is damaged");
    WX_RETURN_IF_ERROR(br.stamps(c.state.adds));
    WX_RETURN_IF_ERROR(br.stamps(c.state.removed));
  } else {
    WX_ASSIGN_OR_RETURN(c.state.value, br.value());
    WX_ASSIGN_OR_RETURN(c.state.stamp, br.stamp());
    c.state.lost.resize(r.count(3));
    for (LostWrite& l : c.state.lost) {
      WX_ASSIGN_OR_RETURN(l.value, br.value());
      WX_ASSIGN_OR_RETURN(l.stamp, br.stamp());
    }
    WX_RETURN_IF_ERROR(br.stamps(c.state.context));
  }
  if (Status s = check_received_state(c); !s)
    return bad("entity " + c.entity + " field " + c.field + ": " + s.error().message);
  return Status::ok();
}

Status read_entities(BodyReader& br, const std::vector<std::string>& names, Bundle& b) {
  Reader& r = br.raw();
  const size_t n = r.count(4);
  for (size_t i = 0; i < n; ++i) {
    WX_ASSIGN_OR_RETURN(std::string id, read_id(r));
    const uint64_t type = r.varint(), bucket = r.varint();
    const size_t fields = r.count(3);
    if (!r.ok() || type >= names.size() || bucket >= names.size() || !is_valid_entity_id(id))
      return bad("entity " + std::to_string(i) + " is damaged");
    for (size_t j = 0; j < fields; ++j) {
      Change& c = b.changes.emplace_back();
      c.entity = id;
      c.type = names[type];
      c.bucket = names[bucket];
      WX_RETURN_IF_ERROR(read_field(br, names, c));
    }
  }
  if (!r.ok()) return bad("the entities are cut short or damaged");
  if (!r.at_end()) return bad("bytes after the last entity");
  return Status::ok();
}

Result<Bundle> read_body(std::string_view body) {
  BodyReader br(body);
  Reader& r = br.raw();
  Bundle b;
  const uint64_t z = r.varint();
  const int64_t schema = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  b.from_replica = r.u64();
  b.since_seq = r.varint();
  b.upto_seq = r.varint();
  if (!r.ok() || schema < INT_MIN || schema > INT_MAX || b.from_replica == 0 ||
      b.upto_seq < b.since_seq)
    return bad("the header is damaged");
  b.schema_version = static_cast<int>(schema);
  WX_RETURN_IF_ERROR(br.tables());
  b.knowledge.resize(r.count(2));
  for (Stamp& k : b.knowledge) {
    k.replica = br.replica(r.varint());
    k.hlc.value = r.varint();
    if (!r.ok() || k.replica == 0 || !Hlc::is_valid_value(k.hlc.value))
      return bad("knows is damaged");
  }
  std::sort(b.knowledge.begin(), b.knowledge.end(),
            [](auto& x, auto& y) { return x.replica < y.replica; });
  for (size_t i = 1; i < b.knowledge.size(); ++i)
    if (b.knowledge[i].replica == b.knowledge[i - 1].replica)
      return bad("knows names a replica twice");
  std::vector<std::string> names(r.count(1));
  for (std::string& n : names) {
    n = std::string(r.str());
    if (!r.ok() || n.empty() || !is_valid_utf8(n)) return bad("the name table is damaged");
  }
  WX_RETURN_IF_ERROR(read_entities(br, names, b));
  return b;
}

}  // namespace

Result<Bundle> bundle_from_binary(std::string_view bytes) {
  if (!bytes.starts_with(kMagic)) return bad("does not start with WXB1");
  WX_ASSIGN_OR_RETURN(std::string body, inflate_body(bytes));
  return read_body(body);
}

Result<Bundle> bundle_from_bytes(std::string_view bytes) {
  if (bytes.starts_with(kMagic)) return bundle_from_binary(bytes);
  return bundle_from_text(bytes);
}

}  // namespace werkex
