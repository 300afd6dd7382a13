// Fields changed after signing (signoff_changes.hpp), on the stamps signoff_status() reads,
// and the same changes in words with the old text from the sign-off's signed_content.
#include "werkex/signoff_changes.hpp"

#include "signoff_util.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_words.hpp"

namespace werkex {

namespace so = signoff_detail;

namespace {

Result<so::ChangedFields> changes_of(const EntityReader& replica, const std::string& signoff_id,
                                     json& doc) {
  WX_ASSIGN_OR_RETURN(doc, replica.get(signoff_id));
  if (so::str(doc, "type") != "signoff")
    return make_error(WX_INVALID_ARGUMENT, signoff_id + " is not a signoff");
  std::vector<json> contents;
  for (const std::string& id : so::covers_of(doc)) {
    auto c = canonical_content(replica, id);
    if (!c && c.error().code != WX_NOT_FOUND) return c.error();
    if (c) contents.push_back(std::move(c).value());
  }
  WX_ASSIGN_OR_RETURN(auto own, replica.field_states(signoff_id));
  return so::changed_after(own, contents, replica);
}

// The "v" values of a canonical content's fields.
json values_of(const json& content) {
  json out = json::object();
  auto it = content.find("fields");
  if (it == content.end() || !it->is_object()) return out;
  for (auto& [name, state] : it->items())
    if (state.is_object() && state.contains("v")) out[name] = state["v"];
  return out;
}

std::string quoted(const json& v) {
  return v.is_null() ? std::string("(leeg)") : "\"" + value_text(v) + "\"";
}

}  // namespace

Result<std::vector<ChangedEntry>> signoff_changed_fields(const EntityReader& replica,
                                                         const std::string& signoff_id) {
  json doc;
  WX_ASSIGN_OR_RETURN(auto changes, changes_of(replica, signoff_id, doc));
  std::vector<ChangedEntry> out;
  for (auto& [id, fields] : changes) out.push_back({id, std::move(fields)});
  return out;
}

Result<std::vector<FieldChange>> signoff_field_changes(const EntityReader& replica,
                                                       const std::string& signoff_id) {
  json doc;
  WX_ASSIGN_OR_RETURN(auto changes, changes_of(replica, signoff_id, doc));
  return so::explain_changes(replica, doc, changes);
}

json FieldChange::to_json() const {
  return {{"entity", entity},       {"type", type},     {"type_label", type_label},
          {"title", title},         {"field", field},   {"label", label},
          {"old_known", old_known}, {"old", old_value}, {"new", new_value}};
}

std::string FieldChange::words() const {
  std::string out = type_label + (title.empty() ? "" : " \"" + title + "\"") + ": ";
  if (field == "deleted") return out + "verwijderd";
  out += label;
  if (old_known) return out + " was " + quoted(old_value) + ", nu " + quoted(new_value);
  return out + " gewijzigd, nu " + quoted(new_value);
}

std::string changes_in_words(const std::vector<FieldChange>& changes) {
  std::string out;
  for (const FieldChange& c : changes) out += (out.empty() ? "" : "; ") + c.words();
  return out;
}

namespace signoff_detail {

std::string signed_content_text(const std::vector<json>& contents) {
  json sorted = json::array();
  std::map<std::string, json> by_id;
  for (const json& c : contents) by_id[str(c, "id")] = c;
  for (auto& [id, c] : by_id) sorted.push_back(c);
  return sorted.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::map<std::string, json> trusted_signed_content(const json& signoff) {
  std::map<std::string, json> out;
  json all = json::parse(str(signoff, "signed_content"), nullptr, false);
  if (!all.is_array()) return out;
  std::vector<json> contents(all.begin(), all.end());
  if (content_hash_of(contents) != str(signoff, "content_hash")) return out;
  for (const json& c : contents) out[str(c, "id")] = c;
  return out;
}

std::vector<FieldChange> explain_changes(const EntityReader& replica, const json& signoff,
                                         const ChangedFields& changes) {
  const auto old = trusted_signed_content(signoff);
  std::vector<FieldChange> out;
  for (const auto& [id, fields] : changes) {
    auto now = replica.get(id);
    json current = now ? *now : json::object();
    auto was = old.find(id);
    json before = was == old.end() ? json::object() : values_of(was->second);
    FieldChange base;
    base.entity = id;
    base.type = str(current, "type");
    base.type_label = entry_type_label(base.type);
    base.title = entry_title(base.type, was == old.end() ? current : before);
    base.old_known = was != old.end();
    for (const std::string& f : fields) {
      FieldChange c = base;
      c.field = f;
      c.label = field_label(c.type, f);
      c.old_value = before.contains(f) ? before[f] : json();
      c.new_value = current.contains(f) ? current[f] : json();
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace signoff_detail

}  // namespace werkex
