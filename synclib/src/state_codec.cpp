// The binary state codec (see state_codec.hpp for the layout). Decoding builds the rows
// directly from bytes: strings, numbers and stamps are copied, not lexed, and only arrays and
// objects (rare as field values) go through the JSON parser.
#include "state_codec.hpp"

#include <algorithm>

#include "byte_codec.hpp"
#include "werkex/bundle.hpp"

namespace werkex {

namespace {

// Format 2 wrote every stamp whole (u64 hlc, u64 replica); format 3 writes the few replicas
// an entity's stamps name once, and each stamp as its distance below the entity's highest
// clock and the index of its replica: about 4 + 1 bytes instead of 16, in every field's
// winner, lost writes and causal context. Rows are rewritten whole on every change, so their
// size is what a merge writes.
constexpr unsigned char kFormat2Codec = 0x02;

// The stamps of one entity's state: its replica table and highest clock.
class StampTable {
 public:
  // Encoding: every stamp the state will write, in the order it writes them.
  void note(Stamp s) {
    if (std::find(replicas_.begin(), replicas_.end(), s.replica) == replicas_.end())
      replicas_.push_back(s.replica);
    top_ = std::max(top_, s.hlc.value);
  }
  void note_all(const std::vector<Stamp>& v) {
    for (const Stamp& s : v) note(s);
  }
  void write_header(Writer& w) const {
    w.varint(replicas_.size());
    for (uint64_t r : replicas_) w.u64(r);
    w.u64(top_);
  }
  void write(Writer& w, Stamp s) const {
    w.varint(top_ - s.hlc.value);
    w.varint(static_cast<uint64_t>(std::find(replicas_.begin(), replicas_.end(), s.replica) -
                                   replicas_.begin()));
  }
  void write_all(Writer& w, const std::vector<Stamp>& v) const {
    w.varint(v.size());
    for (const Stamp& s : v) write(w, s);
  }

  // Decoding: `whole` reads format 2's stamps; otherwise read_header() first.
  explicit StampTable(bool whole = false) : whole_(whole) {}
  void read_header(Reader& r) {
    replicas_.resize(r.count(8));
    for (uint64_t& rep : replicas_) rep = r.u64();
    top_ = r.u64();
  }
  Stamp read(Reader& r) const {
    if (whole_) return r.stamp();
    const uint64_t below = r.varint();
    const uint64_t index = r.varint();
    if (below > top_ || index >= replicas_.size()) {
      r.fail();
      return {};
    }
    return {Hlc{top_ - below}, replicas_[static_cast<size_t>(index)]};
  }
  void skip(Reader& r) const {
    if (whole_) {
      r.u64();
      r.u64();
    } else {
      r.varint();
      r.varint();
    }
  }
  void skip_all(Reader& r) const {
    for (size_t n = r.count(whole_ ? 16 : 2); n > 0; --n) skip(r);
  }
  std::vector<Stamp> read_all(Reader& r) const {
    std::vector<Stamp> v(r.count(whole_ ? 16 : 2));
    for (Stamp& s : v) s = read(r);
    return v;
  }

 private:
  bool whole_ = false;
  std::vector<uint64_t> replicas_;
  uint64_t top_ = 0;
};

void note_stamps(StampTable& t, const FieldState& s) {
  if (s.rule == MergeRule::set) {
    t.note_all(s.adds);
    t.note_all(s.removed);
    return;
  }
  t.note(s.stamp);
  for (const LostWrite& l : s.lost) t.note(l.stamp);
  t.note_all(s.context);
}

void encode_field(Writer& w, const StampTable& t, const std::pair<std::string, std::string>& key,
                  const FieldRow& row) {
  const FieldState& s = row.state;
  w.str(key.first);
  w.byte(static_cast<unsigned char>(s.rule));
  w.varint(row.seq);
  if (s.rule == MergeRule::set) {
    w.str(key.second);
    t.write_all(w, s.adds);
    t.write_all(w, s.removed);
    return;
  }
  w.value(s.value);
  t.write(w, s.stamp);
  w.varint(s.lost.size());
  for (const LostWrite& l : s.lost) {
    w.value(l.value);
    t.write(w, l.stamp);
  }
  t.write_all(w, s.context);
}

// Reads past a field's body (after its seq) without building it.
void skip_body(Reader& r, const StampTable& t, MergeRule rule) {
  if (rule == MergeRule::set) {
    r.str();
    t.skip_all(r);
    t.skip_all(r);
    return;
  }
  r.skip_value();
  t.skip(r);
  for (size_t n = r.count(3); n > 0; --n) {
    r.skip_value();
    t.skip(r);
  }
  t.skip_all(r);
}

// One field, kept in `out` unless `only_seq` is set and the field carries another seq; false
// if the bytes are not a field.
bool decode_field(Reader& r, const StampTable& t, uint64_t only_seq, EntityFields& out) {
  std::string_view name_bytes = r.str();
  const unsigned char rule = r.byte();
  if (rule > static_cast<unsigned char>(MergeRule::set)) return false;
  FieldRow row;
  row.state.rule = static_cast<MergeRule>(rule);
  row.seq = r.varint();
  if (only_seq != 0 && row.seq != only_seq) {
    skip_body(r, t, row.state.rule);
    return r.ok();
  }
  std::string name(name_bytes);
  std::string element_text;
  if (row.state.rule == MergeRule::set) {
    element_text = std::string(r.str());
    row.element = json::parse(element_text, nullptr, false);
    if (row.element.is_discarded() || row.element.is_null()) return false;
    row.state.adds = t.read_all(r);
    row.state.removed = t.read_all(r);
  } else {
    row.state.value = r.value();
    row.state.stamp = t.read(r);
    row.state.lost.resize(r.count(3));
    for (LostWrite& l : row.state.lost) {
      l.value = r.value();
      l.stamp = t.read(r);
    }
    row.state.context = t.read_all(r);
  }
  if (!r.ok()) return false;
  return out.emplace(std::make_pair(std::move(name), std::move(element_text)), std::move(row))
      .second;
}

}  // namespace

std::string encode_state(const EntityFields& fields) {
  StampTable table;
  for (const auto& [key, row] : fields) note_stamps(table, row.state);
  std::string out;
  out.reserve(64 * fields.size() + 8);
  Writer w(out);
  w.byte(kStateCodecVersion);
  table.write_header(w);
  w.varint(fields.size());
  for (const auto& [key, row] : fields) encode_field(w, table, key, row);
  return out;
}

Result<EntityFields> decode_state(std::string_view bytes, const std::string& id,
                                  uint64_t only_seq) {
  auto damaged = [&](const char* why) {
    return make_error(WX_CORRUPT, "entity " + id + ": stored state is damaged (" + why + ")");
  };
  Reader r(bytes);
  const unsigned char codec = r.byte();
  if (codec != kStateCodecVersion && codec != kFormat2Codec) return damaged("unknown encoding");
  StampTable table(codec == kFormat2Codec);
  if (codec == kStateCodecVersion) table.read_header(r);
  const size_t n = r.count(5);
  EntityFields out;
  for (size_t i = 0; i < n; ++i)
    if (!decode_field(r, table, only_seq, out)) return damaged("a field cannot be read");
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
