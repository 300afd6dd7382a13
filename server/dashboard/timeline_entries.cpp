// Timeline entries as JSON (timeline_entries.hpp).
#include "timeline_entries.hpp"

#include <algorithm>
#include <map>

#include "export/dutch_text.hpp"
#include "export/progress_row.hpp"
#include "werkex/signoff_changes.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

// The schema's enum fields of dossier entries and the enum each takes its values from.
const std::map<std::string, std::string>& enum_fields() {
  static const std::map<std::string, std::string> fields = {
      {"kind", "activity_kind"},
      {"emotion", "emotion"},
      {"learning_verbs", "learning_verb"},
      {"with_whom", "reflection_partner"},
      {"conversation_rules", "conversation_rule"},
      {"direction", "picture_direction"},
      {"action", "next_step_action"},
      {"competencies", "competency"},
      {"attendance", "attendance"},
      {"method", "signoff_method"}};
  return fields;
}

json labels_of(const json& entity) {
  json out = json::object();
  for (const auto& [field, enum_name] : enum_fields()) {
    auto it = entity.find(field);
    if (it == entity.end()) continue;
    if (it->is_string()) out[field] = exporter::enum_label(enum_name, it->get<std::string>());
    if (!it->is_array()) continue;
    json list = json::array();
    std::vector<std::string> labels;  // sorted: the rules' labels start with their number
    for (const json& v : *it)
      if (v.is_string()) labels.push_back(exporter::enum_label(enum_name, v.get<std::string>()));
    std::sort(labels.begin(), labels.end());
    out[field] = labels;
  }
  return out;
}

json comments_json(const exporter::PortfolioView& view, const std::string& on, int depth) {
  json out = json::array();
  if (depth > 8) return out;  // replies of replies: deep enough for a page
  for (const json* c : view.comments_on(on)) {
    const std::string author = text_of(*c, "author");
    out.push_back({{"id", text_of(*c, "id")},
                   {"body", text_of(*c, "body")},
                   {"author", author},
                   {"author_name", view.person_name(author)},
                   {"written_at", text_of(*c, "written_at")},
                   {"written_label", exporter::dutch_datetime(text_of(*c, "written_at"))},
                   {"replies", comments_json(view, text_of(*c, "id"), depth + 1)}});
  }
  return out;
}

}  // namespace

json entry_json(const exporter::PortfolioView& view, const json& e) {
  const std::string id = text_of(e, "id");
  json fields = e;
  for (const char* k : {"id", "type", "bucket"}) fields.erase(k);
  json photos = json::array(), signoffs = json::array();
  for (const json* p : view.photos_of(id))
    photos.push_back({{"blob", text_of(*p, "blob")},
                      {"sha256", text_of(*p, "sha256")},
                      {"mime", text_of(*p, "mime")},
                      {"caption", text_of(*p, "caption")},
                      {"shows_others", exporter::flag_of(*p, "shows_others")}});
  for (const json* s : view.signoffs_covering(id)) signoffs.push_back(text_of(*s, "id"));
  const std::string date = exporter::entry_date(e);
  return {{"id", id},
          {"type", text_of(e, "type")},
          {"fields", fields},
          {"labels", labels_of(e)},
          {"date", date},
          {"date_label", exporter::dutch_date(date)},
          {"comments", comments_json(view, id, 0)},
          {"photos", photos},
          {"signoffs", signoffs}};
}

Result<json> signoff_json(const EntityReader& r, const exporter::PortfolioView& view,
                          const json& s) {
  const std::string id = text_of(s, "id"), status = text_of(s, "status");
  std::string company;
  for (const json& p : exporter::array_of(view.doc(), "placements"))
    if (text_of(p, "id") == text_of(s, "placement")) company = text_of(p, "company_name");
  json changed = json::array();
  if (status == "stale") {
    WX_ASSIGN_OR_RETURN(auto entries, signoff_changed_fields(r, id));
    for (const ChangedEntry& c : entries) {
      const json* e = view.entity(c.entity);
      changed.push_back(
          {{"entry", c.entity}, {"type", e ? text_of(*e, "type") : ""}, {"fields", c.fields}});
    }
  }
  return json{{"id", id},
              {"status", status},
              {"status_label", exporter::signoff_state_label(status)},
              {"reason", text_of(s, "reason")},
              {"method", text_of(s, "method")},
              {"method_label", exporter::enum_label("signoff_method", text_of(s, "method"))},
              {"statement_date", text_of(s, "statement_date")},
              {"date_label", exporter::dutch_date(text_of(s, "statement_date"))},
              {"hours", s.value("hours", json())},
              {"attendance", text_of(s, "attendance")},
              {"assessment", text_of(s, "assessment")},
              {"signer", text_of(s, "signer")},
              {"signer_name", text_of(s, "signer_name")},
              {"placement", text_of(s, "placement")},
              {"company", company},
              {"covers", exporter::strings_of(s, "covers")},
              {"changed", changed}};
}

}  // namespace werkex::dashboard
