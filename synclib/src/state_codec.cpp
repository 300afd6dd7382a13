// The binary state codec (see state_codec.hpp for the layout). Decoding builds the rows
// directly from bytes: strings, numbers and stamps are copied, not lexed, and only arrays and
// objects (rare as field values) go through the JSON parser.
#include "state_codec.hpp"

#include "byte_codec.hpp"
#include "werkex/bundle.hpp"

namespace werkex {

namespace {

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
