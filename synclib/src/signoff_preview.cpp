// The preview of a sign request (signoff_preview.hpp).
#include "werkex/signoff_preview.hpp"

#include "signoff_util.hpp"
#include "werkex/signoff_words.hpp"

namespace werkex {

namespace so = signoff_detail;

namespace {

// A field of an entity this replica holds, "" when it does not hold it.
std::string held(const Replica& replica, const std::string& id, const char* field) {
  if (id.empty()) return "";
  auto doc = replica.get(id);
  return doc ? so::str(*doc, field) : std::string();
}

json placement_json(const Replica& replica, const std::string& id) {
  json p = {{"id", id}, {"company", ""}, {"kind", ""}, {"start_date", ""}, {"end_date", ""}};
  auto doc = replica.get(id);
  if (!doc) return p;
  p["company"] = held(replica, so::str(*doc, "company"), "name");
  for (const char* k : {"kind", "start_date", "end_date"}) p[k] = so::str(*doc, k);
  return p;
}

json entry_json(const json& content) {
  const std::string type = so::str(content, "type");
  json fields = json::object();
  for (auto& [name, state] : content["fields"].items())
    if (state.is_object() && state.contains("v")) fields[name] = state["v"];
  return {{"id", so::str(content, "id")},         {"type", type},
          {"type_label", entry_type_label(type)}, {"title", entry_title(type, fields)},
          {"dates", entry_dates(fields)},         {"fields", fields}};
}

}  // namespace

Result<json> preview_sign_request(const Replica& replica, std::string_view payload,
                                  const Statement& st) {
  WX_ASSIGN_OR_RETURN(SignRequest r, decode_sign_request(payload));
  if ((!st.date.empty() && st.date != r.date) ||
      (!st.placement.empty() && st.placement != r.placement))
    return make_error(WX_INVALID_ARGUMENT, "the request is for placement " + r.placement + " on " +
                                               r.date +
                                               "; date and placement come from the request");
  const std::string pupil = r.bucket.substr(r.bucket.find(':') + 1);
  json out = {{"pupil", {{"id", pupil}, {"name", held(replica, pupil, "name")}}},
              {"signer", {{"id", r.signer}, {"name", held(replica, r.signer, "name")}}},
              {"placement", placement_json(replica, r.placement)},
              {"date", r.date},
              {"hours", st.hours ? json(*st.hours) : json()},
              {"attendance", st.attendance},
              {"assessment", st.assessment},
              {"entries", json::array()}};
  out["attendance_label"] = st.attendance == "deels_aanwezig" ? "deels aanwezig" : st.attendance;
  for (const json& c : r.contents) out["entries"].push_back(entry_json(c));
  return out;
}

std::string preview_text(const json& p) {
  auto name_or_id = [](const json& who) {
    std::string n = so::str(who, "name");
    return n.empty() ? so::str(who, "id") : n;
  };
  const json& pl = p["placement"];
  std::string out =
      "Je tekent af voor " + name_or_id(p["pupil"]) + ", stage " +
      (so::str(pl, "company").empty() ? so::str(pl, "id") : "bij " + so::str(pl, "company"));
  if (!so::str(pl, "start_date").empty())
    out += " (" + so::str(pl, "start_date") + " t/m " + so::str(pl, "end_date") + ")";
  out += "\nDag: " + so::str(p, "date");
  out += "\nUren: " + (p["hours"].is_null() ? std::string("niet opgegeven") : p["hours"].dump());
  out += "\nAanwezigheid: " + (so::str(p, "attendance").empty() ? std::string("niet opgegeven")
                                                                : so::str(p, "attendance_label"));
  if (!so::str(p, "assessment").empty()) out += "\nBeoordeling: " + so::str(p, "assessment");
  out += "\nDeze " + std::to_string(p["entries"].size()) + " onderdelen:";
  for (const json& e : p["entries"]) {
    out += "\n- " + so::str(e, "type_label");
    if (!so::str(e, "title").empty()) out += " \"" + so::str(e, "title") + "\"";
    for (auto& [field, value] : e["dates"].items())
      out += ", " + field_label(so::str(e, "type"), field) + " " + value_text(value);
  }
  return out + "\n";
}

}  // namespace werkex
