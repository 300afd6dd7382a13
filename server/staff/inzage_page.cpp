// The Inzage page (inzage_page.hpp).
#include "inzage_page.hpp"

#include <algorithm>
#include <map>

#include "export/dutch_text.hpp"
#include "network_service.hpp"
#include "staff_http.hpp"
#include "werkex/clock.hpp"

namespace werkex::server::inzage {

namespace {

using staff_http::escape;
constexpr size_t kMaxReads = 500;

std::string s(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const char* action_label(const std::string& a) {
  static const std::map<std::string, const char*> labels = {
      {"device_enrolled", "apparaat ingeschreven"},
      {"invite_issued", "inlogcode gemaakt"},
      {"invites_revoked", "inlogcodes ingetrokken"},
      {"devices_revoked", "apparaten ingetrokken"},
      {"pin_issued", "aftekencodes uitgegeven"},
      {"pin_reset", "aftekencodes vernieuwd"},
      {"pin_failed", "verkeerde aftekencode"},
      {"pin_locked", "aftekencodes geblokkeerd"},
      {"placement_added", "plaatsing aangemaakt"},
      {"placement_ended", "plaatsing eerder beëindigd"},
      {"conversation_recorded", "loopbaangesprek vastgelegd"},
      {"dossier_erased", "dossier gewist"},
      {"signoff_disputed", "aftekening betwist"}};
  auto it = labels.find(a);
  return it == labels.end() ? "" : it->second;
}

std::string when(uint64_t ms) {
  return rfc3339_utc(ms);
}

// Names and roles of the people the lists mention (under the dossier lock).
json who_is(const EntityReader& r, const std::string& id) {
  auto doc = r.get(id);
  if (!doc) return {{"name", ""}, {"role", ""}};
  return {{"name", s(*doc, "name")}, {"role", s(*doc, "role")}};
}

std::string rows_reads(const json& reads) {
  std::string h;
  for (const json& r : reads)
    h += "<tr><td>" + escape(s(r, "at_label")) + "</td><td>" + escape(s(r, "name")) +
         " <span "
         "class=\"wx-muted\">" +
         escape(s(r, "role")) + "</span></td><td>" + escape(s(r, "via")) + "</td><td>" +
         escape(s(r, "what")) + "</td></tr>";
  return h;
}

std::string rows_events(const json& events) {
  std::string h;
  for (const json& e : events)
    h += "<tr><td>" + escape(s(e, "at_label")) + "</td><td>" + escape(s(e, "label")) + "</td><td>" +
         escape(s(e, "actor_name").empty() ? s(e, "actor") : s(e, "actor_name")) + "</td><td>" +
         escape(s(e, "detail")) + "</td></tr>";
  return h;
}

std::string table(const char* heads, const std::string& rows, const char* empty) {
  if (rows.empty()) return std::string("<p class=\"wx-muted\">") + empty + "</p>";
  return std::string("<div class=\"wx-scroll\"><table class=\"wx-table\"><thead><tr>") + heads +
         "</tr></thead><tbody>" + rows + "</tbody></table></div>";
}

}  // namespace

std::string query_param(std::string_view target, const std::string& name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return "";
  auto params = staff_http::parse_form(target.substr(q + 1));
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

Result<json> audit_json(App& app, const StaffPrincipal& who, const std::string& pupil) {
  if (who.role != "counsellor" && who.role != "admin")
    return make_error(WX_PERMISSION_DENIED, "alleen de decaan of de beheerder");
  json out = {{"reads", json::array()}, {"events", json::array()}};
  std::vector<std::string> targets = {pupil};
  WX_ASSIGN_OR_RETURN(auto reads, app.auth().reads("pupil:" + pupil, kMaxReads));
  std::lock_guard lock(app.dossier_mutex());
  const EntityReader& r = app.store();
  WX_ASSIGN_OR_RETURN(json p, network::school_entity(r, who.school_bucket, pupil, "person"));
  if (s(p, "role") != "pupil")
    return make_error(WX_NOT_FOUND, "geen leerling '" + pupil + "' van deze school");
  out["pupil"] = {{"id", pupil}, {"name", s(p, "name")}};
  WX_ASSIGN_OR_RETURN(auto placements,
                      r.list(Query::where("placement", who.school_bucket, "pupil", pupil)));
  for (const json& pl : placements) targets.push_back(s(pl, "id"));
  for (auto it = reads.rbegin(); it != reads.rend(); ++it) {
    json person = who_is(r, it->person);
    const bool page = it->device.starts_with("web:");
    out["reads"].push_back(
        {{"at", when(it->at_ms)},
         {"at_label", exporter::dutch_datetime(when(it->at_ms))},
         {"person", it->person},
         {"name", person["name"]},
         {"role", person["role"]},
         {"via", page ? "dashboard " + it->device.substr(4) : "apparaat " + it->device},
         {"what", it->blob.empty() ? std::to_string(it->changes) + " velden" : "foto/bijlage"}});
  }
  std::vector<AuditEntry> events;
  for (const std::string& t : targets) {
    WX_ASSIGN_OR_RETURN(auto some, app.auth().audit_entries(t));
    events.insert(events.end(), some.begin(), some.end());
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const AuditEntry& a, const AuditEntry& b) { return a.at_ms > b.at_ms; });
  for (const AuditEntry& e : events) {
    const std::string label = action_label(e.action);
    out["events"].push_back({{"at", when(e.at_ms)},
                             {"at_label", exporter::dutch_datetime(when(e.at_ms))},
                             {"actor", e.actor},
                             {"actor_name", who_is(r, e.actor)["name"]},
                             {"action", e.action},
                             {"label", label.empty() ? e.action : label},
                             {"target", e.target},
                             {"detail", e.detail}});
  }
  return out;
}

Result<StaffPage> inzage_page(App& app, const StaffPrincipal& who, const std::string& pupil) {
  json pupils;
  {
    std::lock_guard lock(app.dossier_mutex());
    WX_ASSIGN_OR_RETURN(
        auto list, app.store().list(Query::where("person", who.school_bucket, "role", "pupil")));
    pupils = std::move(list);
  }
  std::sort(pupils.begin(), pupils.end(),
            [](const json& a, const json& b) { return s(a, "name") < s(b, "name"); });
  std::string b =
      "<form class=\"wx-form wx-card\" method=\"get\" action=\"/inzage\">"
      "<label for=\"wx-inzage-pupil\">Leerling</label><select id=\"wx-inzage-pupil\" "
      "name=\"pupil\">";
  for (const json& p : pupils)
    b += "<option value=\"" + escape(s(p, "id")) + "\"" + (s(p, "id") == pupil ? " selected" : "") +
         ">" + escape(s(p, "name")) + "</option>";
  b += "</select><button type=\"submit\" class=\"wx-button\">Toon</button></form>";
  if (!pupil.empty()) {
    WX_ASSIGN_OR_RETURN(json a, audit_json(app, who, pupil));
    WX_RETURN_IF_ERROR(app.record_staff_read(who.person, "web:/inzage", "pupil:" + pupil, 0));
    b += "<section class=\"wx-card\" id=\"wx-reads\"><h2>Wie las het dossier van " +
         escape(s(a["pupil"], "name")) + "</h2>" +
         table("<th>Wanneer</th><th>Wie</th><th>Via</th><th>Wat</th>", rows_reads(a["reads"]),
               "Niemand las dit dossier.") +
         "</section><section class=\"wx-card\" id=\"wx-events\"><h2>Inschrijvingen, "
         "intrekkingen en codes</h2>" +
         table("<th>Wanneer</th><th>Wat</th><th>Door</th><th>Details</th>",
               rows_events(a["events"]), "Geen gebeurtenissen.") +
         "</section>";
  }
  return StaffPage{"Inzage", "/inzage", b, {}};
}

}  // namespace werkex::server::inzage
